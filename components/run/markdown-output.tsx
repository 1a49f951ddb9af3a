"use client";

import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";

/*
 * `text/markdown` from a cell, rendered in the browser the way lib/render/markdown.ts renders
 * descriptions on the server (that module is server-only): raw HTML shown as text, then
 * sanitize-html as a second wall. Images: absolute https only, as on the rest of the site.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code",
    "ul", "ol", "li", "em", "strong", "s", "del", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
  ],
  allowedAttributes: { a: ["href", "title", "rel"], img: ["src", "alt", "title"], ol: ["start"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["https"] },
  allowProtocolRelative: false,
  exclusiveFilter: (frame) => frame.tag === "img" && !/^https:\/\//i.test(frame.attribs.src ?? ""),
  transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "nofollow ugc noopener" }) },
  disallowedTagsMode: "discard",
};

/** A cell's `text/markdown`, sanitised. */
export default function MarkdownOutput({ source }: { source: string }) {
  return <div className="markdown run-markdown" dangerouslySetInnerHTML={{ __html: sanitizeHtml(markdown.render(source), OPTIONS) }} />;
}
