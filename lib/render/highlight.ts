import "server-only";

import { createHighlighter, createJavaScriptRegexEngine, type Highlighter, type ThemedToken } from "shiki";

import { escapeHtml } from "./escape-html";
import { languageForPath, type HighlightLanguage } from "./languages";

/** A file to highlight. `oid` is its git blob id: the cache key, since a blob's content never changes. */
export type HighlightInput = { path: string; oid: string; content: string };

/**
 * Highlighted file: one HTML string per line, without the line break. Shared with the cache, so
 * callers must not mutate it.
 */
export type HighlightResult = { readonly lines: readonly string[]; readonly language: HighlightLanguage };

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
function splitLines(content: string): string[] {
  if (content === "") return [];
  const lines = content.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function styleAttribute(token: ThemedToken): string {
  // With two themes shiki puts both colours (and font style) in htmlStyle; the CSS picks one.
  const style = token.htmlStyle;
  if (!style) return token.color ? ` style="color:${escapeHtml(token.color)}"` : "";
  const css = Object.entries(style)
    .map(([property, value]) => `${property}:${value}`)
    .join(";");
  return css ? ` style="${escapeHtml(css)}"` : "";
}

function renderTokens(tokens: ThemedToken[]): string {
  return tokens.map((token) => `<span${styleAttribute(token)}>${escapeHtml(token.content)}</span>`).join("");
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
 * lines). All file text in the output is HTML-escaped; the markup is only `<span style>` elements
 * with theme colours, so the lines are safe to insert as HTML.
 *
 * Results are cached by blob oid and language. Files over {@link MAX_HIGHLIGHT_BYTES} or
 * {@link MAX_HIGHLIGHT_LINES}, and unknown file types, come back escaped but uncoloured.
 */
export async function highlightFile({ path, oid, content }: HighlightInput): Promise<HighlightResult> {
  const lines = splitLines(content);
  const tooLarge = Buffer.byteLength(content, "utf8") > MAX_HIGHLIGHT_BYTES || lines.length > MAX_HIGHLIGHT_LINES;
  const language: HighlightLanguage = tooLarge ? "plaintext" : languageForPath(path);
  const plain = (): HighlightResult => ({ lines: lines.map(escapeHtml), language: "plaintext" });
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

  const result: HighlightResult = { lines: tokens.map(renderTokens), language };
  remember(key, result);
  return result;
}
