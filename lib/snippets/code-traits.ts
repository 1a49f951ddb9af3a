import { storedKernel } from "./kernel";
import { mainFileOf } from "./main-file";

/** Languages by file extension, for the language filter; anything else is "text". */
const LANGUAGES: Record<string, string> = {
  py: "python",
  sage: "sage",
  r: "r",
  jl: "julia",
  js: "javascript",
  ts: "typescript",
  m: "octave",
  c: "c",
  cpp: "cpp",
  rs: "rust",
  md: "markdown",
  tex: "latex",
};

// A decorator line: `@interact`, `@interact(...)`, `@cellar.interact`, with any indentation.
const INTERACT = /^[ \t]*@(?:[A-Za-z_][\w]*\.)*interact\b/m;

/**
 * What lists filter by, derived from a revision's files (set on every write): the language of
 * the main file (else of the first file with a known extension), and whether any Python file
 * defines an interact. Python and Sage code counts as the kernel the owner chose for it, when
 * they chose one: a `.py` snippet set to run in SageMath is listed as "sage", and the other way.
 */
export function codeTraitsOf(
  files: readonly { path: string; content: string | Uint8Array }[],
  chosenMain: string | null,
  chosenKernel: string | null = null,
): { language: string; hasInteracts: boolean } {
  const languageOf = (path: string) => LANGUAGES[path.slice(path.lastIndexOf(".") + 1).toLowerCase()];
  const main = mainFileOf(
    files.map((f) => f.path),
    chosenMain,
  );
  const fromFiles = (main ? languageOf(main) : undefined) ?? files.map((f) => languageOf(f.path)).find(Boolean) ?? "text";
  const kernel = storedKernel(chosenKernel);
  const language = kernel && (fromFiles === "python" || fromFiles === "sage") ? kernel : fromFiles;
  const decoder = new TextDecoder();
  const hasInteracts = files.some((f) => {
    if (!/\.(py|sage)$/i.test(f.path)) return false;
    const text = typeof f.content === "string" ? f.content : decoder.decode(f.content);
    return INTERACT.test(text);
  });
  return { language, hasInteracts };
}
