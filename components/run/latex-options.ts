/*
 * How the page runs KaTeX on a cell's LaTeX. `trust: false` (the default, said here on purpose)
 * keeps \href, \includegraphics and \html* out, so a cell's LaTeX cannot make links or markup;
 * the size and macro-expansion caps stop a formula from freezing the page.
 */
export const KATEX_OPTIONS = { throwOnError: false, trust: false, strict: "ignore", maxSize: 50, maxExpand: 1000, output: "htmlAndMathml" } as const;
