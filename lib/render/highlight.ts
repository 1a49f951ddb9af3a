import "server-only";

import { createHighlighter, createJavaScriptRegexEngine, type Highlighter, type ThemedToken } from "shiki";

import { escapeHtml } from "./escape-html";
import { languageForPath, type HighlightLanguage } from "./languages";

/** A file to highlight. `oid` is its git blob id: the cache key, since a blob's content never changes. */
export type HighlightInput = { path: string; oid: string; content: string };

/**
 * Highlighted file: one HTML string per line, without the line break, and the CSS rules of the
 * classes its spans use (`[className, declarations]`). Shared with the cache, so callers must
 * not mutate it.
 */
export type HighlightResult = {
  readonly lines: readonly string[];
  readonly language: HighlightLanguage;
  readonly styles: readonly (readonly [string, string])[];
};

/** Files above either limit are shown escaped but uncoloured: tokenizing them would stall a request. */
export const MAX_HIGHLIGHT_BYTES = 200 * 1024;
export const MAX_HIGHLIGHT_LINES = 5_000;

const LIGHT_THEME = "github-light";
const DARK_THEME = "github-dark";
/** Long minified lines are left uncoloured past this many characters rather than tokenized. */
const MAX_TOKENIZED_LINE_LENGTH = 5_000;

const CACHE_MAX_ENTRIES = 500;
/** Bound on cached HTML (in UTF-16 code units, ~2 bytes each), so a few huge files cannot hog memory. */
const CACHE_MAX_CHARS = 16 * 1024 * 1024;

type HighlightState = {
  highlighter: Promise<Highlighter> | undefined;
  loadedLanguages: Map<HighlightLanguage, Promise<void>>;
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the least recently used.
  cache: Map<string, { result: HighlightResult; chars: number }>;
  cachedChars: number;
};

// On globalThis so that dev-mode module reloads reuse the loaded grammars and the cache.
const globalForHighlight = globalThis as typeof globalThis & { __cellarHighlight?: HighlightState };
const state: HighlightState = (globalForHighlight.__cellarHighlight ??= {
  highlighter: undefined,
  loadedLanguages: new Map(),
  cache: new Map(),
  cachedChars: 0,
});

function getHighlighter(): Promise<Highlighter> {
  state.highlighter ??= createHighlighter({
    themes: [LIGHT_THEME, DARK_THEME],
    langs: [],
    // Forgiving: a grammar pattern the JS engine cannot emulate is skipped instead of failing the file.
    engine: createJavaScriptRegexEngine({ forgiving: true }),
  }).catch((error: unknown) => {
    state.highlighter = undefined; // let the next request try again
    throw error;
  });
  return state.highlighter;
}

async function loadLanguage(highlighter: Highlighter, language: HighlightLanguage): Promise<void> {
  if (language === "plaintext") return;
  let loading = state.loadedLanguages.get(language);
  if (!loading) {
    loading = highlighter.loadLanguage(language).catch((error: unknown) => {
      state.loadedLanguages.delete(language);
      throw error;
    });
    state.loadedLanguages.set(language, loading);
  }
  await loading;
}

/** Splits into display lines: "\n" or "\r\n" ends a line, and a final line break adds no empty line. */
export function splitLines(content: string): string[] {
  if (content === "") return [];
  const lines = content.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** CSS declarations of a token: with two themes shiki puts both colours (and font style) in htmlStyle. */
function tokenCss(token: ThemedToken): string {
  const style = token.htmlStyle;
  if (!style) return token.color ? `color:${token.color}` : "";
  return Object.entries(style)
    .map(([property, value]) => `${property}:${value}`)
    .join(";");
}

/** A short class name that is a pure function of the declarations (FNV-1a), stable across processes. */
function classFor(css: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < css.length; i++) hash = Math.imul(hash ^ css.charCodeAt(i), 0x01000193) >>> 0;
  return "s" + hash.toString(36);
}

/**
 * One line's tokens as HTML. Neighbours of one style share a span, the themes' default colour
 * needs none, and a style is a class rather than an inline attribute: pages carry their code
 * twice (HTML and React's payload), so every byte here counts twice.
 */
function renderTokens(tokens: ThemedToken[], plainCss: string, styles: Map<string, string>): string {
  let html = "";
  let runCss = "";
  let runText = "";
  const flush = () => {
    if (!runText) return;
    if (runCss === "" || runCss.toLowerCase() === plainCss) html += escapeHtml(runText);
    else {
      const name = classFor(runCss);
      styles.set(name, runCss);
      // Single quotes: in React's payload a `"` costs a backslash or two; `'` costs nothing.
      html += `<span class='${name}'>${escapeHtml(runText)}</span>`;
    }
    runText = "";
  };
  for (const token of tokens) {
    const css = tokenCss(token);
    // Whitespace looks the same in any colour: let it join the run it is in.
    if (css !== runCss && token.content.trim() !== "") {
      flush();
      runCss = css;
    }
    runText += token.content;
  }
  flush();
  return html;
}

function remember(key: string, result: HighlightResult): void {
  const chars = result.lines.reduce((sum, line) => sum + line.length, 0);
  if (chars > CACHE_MAX_CHARS) return;
  state.cache.set(key, { result, chars });
  state.cachedChars += chars;
  for (const [oldestKey, oldest] of state.cache) {
    if (state.cache.size <= CACHE_MAX_ENTRIES && state.cachedChars <= CACHE_MAX_CHARS) break;
    state.cache.delete(oldestKey);
    state.cachedChars -= oldest.chars;
  }
}

/**
 * Highlights a text file for display, one HTML string per line (so pages can number and anchor
 * lines). All file text in the output is HTML-escaped; the markup is only `<span class>` elements
 * whose rules come with the result (`styles`, see {@link highlightStylesheet}), so the lines are
 * safe to insert as HTML.
 *
 * Results are cached by blob oid and language. Files over {@link MAX_HIGHLIGHT_BYTES} or
 * {@link MAX_HIGHLIGHT_LINES}, and unknown file types, come back escaped but uncoloured.
 */
export async function highlightFile({ path, oid, content }: HighlightInput): Promise<HighlightResult> {
  const lines = splitLines(content);
  const tooLarge = Buffer.byteLength(content, "utf8") > MAX_HIGHLIGHT_BYTES || lines.length > MAX_HIGHLIGHT_LINES;
  const language: HighlightLanguage = tooLarge ? "plaintext" : languageForPath(path);
  const plain = (): HighlightResult => ({ lines: lines.map(escapeHtml), language: "plaintext", styles: [] });
  // Plain escaping is cheaper than a cache lookup's bookkeeping is worth, and would crowd out real entries.
  if (language === "plaintext") return plain();

  const key = `${oid}:${language}`;
  const cached = state.cache.get(key);
  if (cached) {
    state.cache.delete(key);
    state.cache.set(key, cached);
    return cached.result;
  }

  const highlighter = await getHighlighter();
  await loadLanguage(highlighter, language);
  const { tokens } = highlighter.codeToTokens(lines.join("\n"), {
    lang: language,
    themes: { light: LIGHT_THEME, dark: DARK_THEME },
    tokenizeMaxLineLength: MAX_TOKENIZED_LINE_LENGTH,
  });
  // Shiki splits lines itself; if it ever disagrees with ours, line numbers would drift, so show plain text.
  if (tokens.length !== lines.length) return plain();

  const styles = new Map<string, string>();
  // Text in the themes' own foreground needs no span: .code__line has that colour (globals.css).
  const plainCss = `color:${highlighter.getTheme(LIGHT_THEME).fg};--shiki-dark:${highlighter.getTheme(DARK_THEME).fg}`.toLowerCase();
  const html = tokens.map((line) => renderTokens(line, plainCss, styles));
  const result: HighlightResult = { lines: html, language, styles: [...styles] };
  remember(key, result);
  return result;
}

/** The stylesheet for the classes used by some highlighted files (each rule once). */
export function highlightStylesheet(results: readonly HighlightResult[]): string {
  const rules = new Map<string, string>();
  for (const r of results) for (const [name, css] of r.styles) rules.set(name, css);
  // Declarations come from the themes (colours, font styles); `<` cannot occur, so this cannot end the <style>.
  return [...rules].map(([name, css]) => `.code .${name}{${css.replace(/[<>]/g, "")}}`).join("");
}
