import { renderMarkdown } from "@/lib/render/markdown";

/** Props of {@link Markdown}. */
export type MarkdownProps = {
  /** Markdown written by a user; it is sanitised before it reaches the page. */
  source: string;
  className?: string;
};

/** Renders user Markdown (snippet descriptions, READMEs) as typeset prose. */
export function Markdown({ source, className }: MarkdownProps) {
  // renderMarkdown escapes raw HTML and sanitises the result, which is what makes innerHTML safe here.
  return <div className={className ? `prose ${className}` : "prose"} dangerouslySetInnerHTML={{ __html: renderMarkdown(source) }} />;
}
