import "katex/dist/katex.min.css";
import { renderMarkdown } from "@/lib/render/markdown";

/** Props of {@link Markdown}. */
export type MarkdownProps = {
  /** Markdown written by a user; it is sanitised before it reaches the page. */
  source: string;
  className?: string;
};

/** Renders user Markdown (snippet descriptions, READMEs, comments) as typeset prose, $math$ with KaTeX's stylesheet. */
export function Markdown({ source, className }: MarkdownProps) {
  // renderMarkdown escapes raw HTML and sanitises the result, which is what makes innerHTML safe here.
  return <div className={className ? `prose ${className}` : "prose"} dangerouslySetInnerHTML={{ __html: renderMarkdown(source) }} />;
}
