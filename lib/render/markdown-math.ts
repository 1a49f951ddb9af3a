// No `server-only`: lib/render/markdown.ts uses this, and it renders in the Run panel too.
import katex from "katex";
import type { MarkdownIt, StateBlock, StateInline } from "markdown-it";
import type sanitizeHtml from "sanitize-html";

/*
 * `$…$` (inline) and `$$…$$` (display, inline or as a block of its own lines) in Markdown,
 * typeset with KaTeX. Written here rather than taken from a plugin: the maintained ones
 * (@vscode/markdown-it-katex, @mdit/plugin-katex) pin KaTeX 0.16, which would put a second KaTeX
 * beside the 0.19 the Run panel uses. The delimiters follow Pandoc's tex_math_dollars, so prices
 * stay text: an opening `$` is not followed by a space, a closing `$` is not preceded by a space
 * nor followed by a digit ("$5 and $10" is not math); `\$` is a literal dollar.
 */

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;

/**
 * `trust: false` (said on purpose) keeps \href, \url, \includegraphics and \html* out: a formula
 * cannot make links, load images or set its own classes or styles. maxSize and maxExpand stop one
 * formula from covering the page or expanding macros without end. Errors render as the source in
 * red instead of throwing, so one bad formula does not lose the whole comment.
 */
const KATEX_OPTIONS = { throwOnError: false, trust: false, strict: "ignore", maxSize: 20, maxExpand: 1000, output: "htmlAndMathml" } as const;

/** Longest formula typeset; longer ones stay source text (KaTeX's time grows with the input). */
const MAX_TEX_LENGTH = 4000;

function typeset(tex: string, displayMode: boolean): string {
  if (tex.length > MAX_TEX_LENGTH) return "";
  return katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode });
}

function isSpace(code: number | undefined): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isDigit(code: number | undefined): boolean {
  return code !== undefined && code >= 0x30 && code <= 0x39;
}

/** Position of the `$` closing inline math opened just before `start`, or -1. */
function closingDollar(src: string, start: number, max: number): number {
  for (let i = start; i < max; i++) {
    const c = src.charCodeAt(i);
    if (c === BACKSLASH) {
      i++; // `\$` (or any escaped character) inside math is TeX's, not a delimiter.
      continue;
    }
    if (c === DOLLAR && i > start && !isSpace(src.charCodeAt(i - 1)) && !isDigit(src.charCodeAt(i + 1))) return i;
  }
  return -1;
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax } = state;
  if (src.charCodeAt(pos) !== DOLLAR) return false;
  const display = src.charCodeAt(pos + 1) === DOLLAR;
  let end: number;
  if (display) {
    end = src.indexOf("$$", pos + 2);
    if (end < 0 || end >= posMax || end === pos + 2) return false;
  } else {
    if (isSpace(src.charCodeAt(pos + 1))) return false;
    end = closingDollar(src, pos + 1, posMax);
    if (end < 0) return false;
  }
  const markup = display ? "$$" : "$";
  if (!silent) {
    const token = state.push(display ? "math_display_inline" : "math_inline", "", 0);
    token.content = src.slice(pos + markup.length, end);
    token.markup = markup;
  }
  state.pos = end + markup.length;
  return true;
}

/** `$$` at the start of a line opens display math, closed by a line ending in `$$`. */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  let pos = (state.bMarks[startLine] ?? 0) + (state.tShift[startLine] ?? 0);
  let max = state.eMarks[startLine] ?? 0;
  if ((state.sCount[startLine] ?? 0) - state.blkIndent >= 4) return false;
  if (pos + 2 > max || state.src.slice(pos, pos + 2) !== "$$") return false;
  pos += 2;
  let firstLine = state.src.slice(pos, max);
  let lastLine = "";
  let next = startLine;
  let found = false;
  if (firstLine.trim().endsWith("$$")) {
    firstLine = firstLine.trim().slice(0, -2);
    found = true;
  }
  if (silent) return true;
  while (!found) {
    next++;
    if (next >= endLine) break;
    pos = (state.bMarks[next] ?? 0) + (state.tShift[next] ?? 0);
    max = state.eMarks[next] ?? 0;
    // A line indented less than the block ends a list item's math, as other blocks do.
    if (pos < max && (state.sCount[next] ?? 0) < state.blkIndent) break;
    if (state.src.slice(pos, max).trim().endsWith("$$")) {
      const lineStart = state.src.slice(0, max).lastIndexOf("$$");
      lastLine = state.src.slice(pos, lineStart);
      found = true;
    }
  }
  if (!found) return false;
  state.line = next + 1;
  const token = state.push("math_block", "math", 0);
  token.block = true;
  token.content =
    (firstLine.trim() ? `${firstLine}\n` : "") +
    (next > startLine + 1 ? state.getLines(startLine + 1, next, state.tShift[startLine] ?? 0, true) : "") +
    (lastLine.trim() ? lastLine : "");
  token.map = [startLine, state.line];
  token.markup = "$$";
  return true;
}

/** The markdown-it plugin: `$…$`, `$$…$$` and `$$` blocks typeset with KaTeX. */
export function mathPlugin(md: MarkdownIt): void {
  md.inline.ruler.after("escape", "math_inline", mathInline);
  md.block.ruler.before("fence", "math_block", mathBlock, { alt: ["paragraph", "reference", "blockquote", "list"] });
  md.renderer.rules.math_inline = (tokens, idx) => typeset(tokens[idx]?.content ?? "", false) || md.utils.escapeHtml(`$${tokens[idx]?.content ?? ""}$`);
  md.renderer.rules.math_display_inline = (tokens, idx) =>
    typeset(tokens[idx]?.content ?? "", true) || md.utils.escapeHtml(`$$${tokens[idx]?.content ?? ""}$$`);
  md.renderer.rules.math_block = (tokens, idx) =>
    `<p class="math-display">${typeset(tokens[idx]?.content ?? "", true) || md.utils.escapeHtml(`$$${tokens[idx]?.content ?? ""}$$`)}</p>\n`;
}

/*
 * What KaTeX's own output needs from the sanitiser (lib/render/markdown.ts), the second wall
 * behind `trust: false`. Raw HTML in Markdown is text, so only KaTeX makes these elements. Its
 * inline styles are sizes and offsets: each property is allowed only with the values KaTeX
 * writes (lengths, a few keywords, colours from \color), so no url(), fixed positions or
 * page-covering boxes get through.
 */
const LENGTH = /^-?(\d+(\.\d+)?|\.\d+)(em|ex|pt|px|mu|%)?$/;
const LENGTHS = /^(-?(\d+(\.\d+)?|\.\d+)(em|ex|pt|px|mu|%)?)( -?(\d+(\.\d+)?|\.\d+)(em|ex|pt|px|mu|%)?){0,3}$/;
const COLOUR = /^(#[0-9a-f]{3,8}|[a-z]{3,20})$/i;
const BORDER = /^-?(\d+(\.\d+)?|\.\d+)(em|ex|pt|px)? (solid|dashed|dotted) (#[0-9a-f]{3,8}|[a-z]{3,20})$/i;

export const MATH_TAGS = [
  "span",
  "svg",
  "path",
  "line",
  "math",
  "semantics",
  "annotation",
  "mrow",
  "mi",
  "mn",
  "mo",
  "ms",
  "mtext",
  "mspace",
  "msup",
  "msub",
  "msubsup",
  "mfrac",
  "msqrt",
  "mroot",
  "mstyle",
  "mtable",
  "mtr",
  "mtd",
  "mover",
  "munder",
  "munderover",
  "mpadded",
  "mphantom",
  "menclose",
  "merror",
  "mlabeledtr",
];

export const MATH_ATTRIBUTES: Record<string, string[]> = {
  span: ["class", "style", "aria-hidden"],
  p: ["class"],
  svg: ["xmlns", "width", "height", "viewbox", "viewBox", "preserveaspectratio", "preserveAspectRatio", "style"],
  path: ["d"],
  line: ["x1", "y1", "x2", "y2", "stroke-width"],
  math: ["xmlns", "display"],
  annotation: ["encoding"],
  mi: ["mathvariant"],
  mn: ["mathvariant"],
  mo: ["fence", "stretchy", "minsize", "maxsize", "lspace", "rspace", "mathvariant", "separator", "accent"],
  mtext: ["mathvariant"],
  mfrac: ["linethickness"],
  mstyle: ["scriptlevel", "displaystyle", "mathcolor"],
  mtable: ["rowspacing", "columnalign", "columnspacing", "width", "columnlines", "rowlines"],
  mtd: ["width", "columnalign"],
  mover: ["accent"],
  munder: ["accentunder"],
  mpadded: ["width", "height", "depth", "lspace", "voffset", "mathbackground"],
  menclose: ["notation"],
  mspace: ["width", "height", "depth", "mathbackground", "linebreak"],
};

export const MATH_STYLES: sanitizeHtml.IOptions["allowedStyles"] = {
  "*": {
    height: [LENGTH],
    width: [LENGTH],
    "min-width": [LENGTH],
    top: [LENGTH],
    bottom: [LENGTH],
    "vertical-align": [LENGTH],
    "margin-left": [LENGTH],
    "margin-right": [LENGTH],
    margin: [LENGTHS],
    "padding-left": [LENGTH],
    "border-width": [LENGTH],
    "border-top-width": [LENGTH],
    "border-bottom-width": [LENGTH],
    "border-right-width": [LENGTH],
    "border-style": [/^(solid|dashed|dotted)$/],
    "border-right-style": [/^(solid|dashed|dotted)$/],
    "border-color": [COLOUR],
    border: [BORDER],
    color: [COLOUR],
    "background-color": [COLOUR],
    position: [/^relative$/],
  },
};
