"use client";

import "katex/dist/katex.min.css";
import { renderMarkdown } from "@/lib/render/markdown";

/** A cell's `text/markdown`, rendered and sanitised exactly like descriptions on the server. */
export default function MarkdownOutput({ source }: { source: string }) {
  return <div className="markdown run-markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(source) }} />;
}
