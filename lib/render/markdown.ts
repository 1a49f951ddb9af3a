// No `server-only`: the Run panel renders a cell's text/markdown with the same rules in the browser.
import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";
import { MATH_ATTRIBUTES, MATH_STYLES, MATH_TAGS, mathPlugin } from "./markdown-math";

// Raw HTML in the source is shown as text (html: false). That alone should make the output safe;
// sanitize-html below is a second wall in case a markdown-it rule or plugin ever emits something
// dangerous. `$…$` and `$$…$$` are LaTeX math, typeset by KaTeX (see markdown-math.ts).
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false }).use(mathPlugin);

const ALIGNMENTS = new Set(["left", "center", "right"]);

/** markdown-it aligns table cells with inline styles; styles are not allowed, so keep the intent as a class. */
function alignedCell(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const align = /^\s*text-align:\s*(\w+)\s*;?\s*$/i.exec(attribs.style ?? "")?.[1]?.toLowerCase();
  return { tagName, attribs: align && ALIGNMENTS.has(align) ? { class: `align-${align}` } : {} };
}

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "blockquote",
    "pre",
    "code",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "s",
    "del",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    ...MATH_TAGS,
  ],
  allowedAttributes: {
    ...MATH_ATTRIBUTES,
    a: ["href", "title", "rel"],
    img: ["src", "alt", "title"],
    ol: ["start"],
    code: ["class"],
    th: ["class"],
    td: ["class"],
  },
  allowedStyles: MATH_STYLES,
  allowedClasses: {
    p: ["math-display"],
    code: [/^language-[\w+#-]+$/],
    th: ["align-left", "align-center", "align-right"],
    td: ["align-left", "align-center", "align-right"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  // Images load without a click, so they must not leak the reader over plain http or embed data: payloads.
  allowedSchemesByTag: { img: ["https"] },
  allowProtocolRelative: false,
  // sanitize-html lets scheme-less (relative) src through; an image must be an absolute https URL.
  exclusiveFilter: (frame) => frame.tag === "img" && !/^https:\/\//i.test(frame.attribs.src ?? ""),
  transformTags: {
    // ugc/nofollow: links are written by users, not vouched for by us; noopener in case target is ever added.
    a: sanitizeHtml.simpleTransform("a", { rel: "nofollow ugc noopener" }),
    th: alignedCell,
    td: alignedCell,
  },
  disallowedTagsMode: "discard",
};

/**
 * Renders user-written Markdown (a snippet's description, a comment, a cell's text/markdown) to
 * sanitised HTML, safe to insert with `dangerouslySetInnerHTML`: no raw HTML, scripts, event
 * handlers, or `javascript:`/`data:` URLs; images only from https; links marked
 * `rel="nofollow ugc noopener"`; `$math$` typeset by KaTeX (whose sizes are the only styles
 * allowed). Pages that show it load KaTeX's stylesheet (components/markdown.tsx).
 */
export function renderMarkdown(src: string): string {
  return sanitizeMarkdownHtml(markdown.render(src));
}

/** The second wall on its own: cleans HTML as if markdown-it had emitted it. Exported for tests. */
export function sanitizeMarkdownHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

/**
 * The words of a Markdown text without its markup, cut to about `maxLength` characters at a word
 * boundary (with "…"): for card excerpts and meta descriptions, rendered as plain text.
 */
export function markdownExcerpt(src: string, maxLength = 200): string {
  const words: string[] = [];
  for (const token of markdown.parse(src, {})) {
    if (token.type === "inline") {
      for (const child of token.children ?? []) {
        if (child.type === "text" || child.type === "code_inline" || child.type.startsWith("math_")) words.push(child.content);
        else if (child.type === "softbreak" || child.type === "hardbreak") words.push(" ");
      }
      words.push(" ");
    } else if (token.type === "fence" || token.type === "code_block" || token.type === "math_block") {
      words.push(token.content, " ");
    }
  }
  const text = words.join("").replace(/\s+/g, " ").trim();
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength + 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > maxLength * 0.6 ? cut.slice(0, space) : cut.slice(0, maxLength)).trimEnd()}…`;
}
