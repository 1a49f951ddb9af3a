import { describe, expect, it } from "vitest";
import { findMatchLine } from "./match-line";
import { queryWords, wordHits } from "./words";

const text = (segments: { text: string }[]) => segments.map((s) => s.text).join("");
const marks = (segments: { text: string; mark: boolean }[]) => segments.filter((s) => s.mark).map((s) => s.text);

describe("queryWords", () => {
  it("splits code at punctuation, lower-cases, drops repeats and stops at 8 words", () => {
    expect(queryWords("np.linspace(0, 1)  NP")).toEqual(["np", "linspace", "0", "1"]);
    expect(queryWords("solve_ivp")).toEqual(["solve", "ivp"]);
    expect(queryWords("a b c d e f g h i j")).toHaveLength(8);
    expect(queryWords("  <script>  ")).toEqual(["script"]);
  });
});

describe("wordHits", () => {
  it("accepts other forms of a word, and completions only for the typed prefix", () => {
    expect(wordHits("derivatives", "derivative", false)).toBe(true);
    expect(wordHits("plotting", "plot", false)).toBe(true);
    expect(wordHits("sinh", "sin", false)).toBe(false);
    expect(wordHits("sinh", "sin", true)).toBe(true);
    expect(wordHits("integral", "eigen", false)).toBe(false);
  });
});

describe("findMatchLine", () => {
  const files = [
    { path: "main.py", text: "import numpy as np\n\n# solve with newton\nx = newton(f, x0)  # newton raphson\n" },
    { path: "README.md", text: "Newton's method.\n" },
  ];

  it("picks the line with the most query words, with its file and line number", () => {
    const m = findMatchLine({ blurb: "", files, words: ["newton", "raphson"], prefixWords: [] });
    expect(m).toMatchObject({ path: "main.py", line: 4 });
    expect(text(m!.segments)).toBe("x = newton(f, x0)  # newton raphson");
    expect(marks(m!.segments)).toEqual(["newton", "newton", "raphson"]);
  });

  it("falls back to the blurb, then to nothing", () => {
    expect(findMatchLine({ blurb: "Line one\nThe secant method", files, words: ["secant"], prefixWords: [] })).toMatchObject({ path: null, line: 2 });
    expect(findMatchLine({ blurb: "", files, words: ["zzz"], prefixWords: [] })).toBeNull();
  });

  it("marks completions of the last word as typed", () => {
    const m = findMatchLine({ blurb: "", files, words: ["num"], prefixWords: ["num"] });
    expect(marks(m!.segments)).toEqual(["numpy"]);
  });

  it("keeps markup as text, for the page to escape", () => {
    const m = findMatchLine({ blurb: "", files: [{ path: "x.html", text: '<img src=x onerror="alert(1)"> payload' }], words: ["payload"], prefixWords: [] });
    expect(text(m!.segments)).toBe('<img src=x onerror="alert(1)"> payload');
  });

  it("cuts a long line around its first hit", () => {
    const long = `${"a".repeat(300)} needle ${"b".repeat(300)}`;
    const m = findMatchLine({ blurb: "", files: [{ path: "long.txt", text: long }], words: ["needle"], prefixWords: [] });
    const shown = text(m!.segments);
    expect(shown.length).toBeLessThanOrEqual(162);
    expect(shown.startsWith("…")).toBe(true);
    expect(shown.endsWith("…")).toBe(true);
    expect(marks(m!.segments)).toEqual(["needle"]);
  });
});
