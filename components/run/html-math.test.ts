import katex from "katex";
import { describe, expect, it } from "vitest";
import { hasMathScripts, typesetMathScripts } from "./html-math";

const mark = (tex: string, display: boolean) => `[${display ? "D" : "I"}:${tex}]`;

describe("math scripts in cell HTML", () => {
  it("replaces inline and display math scripts as Sage's html() writes them, leaving the rest", () => {
    const html = 'The value <script type="math/tex">x^2</script> and <script type="math/tex; mode=display">y &lt; 1</script> <b>bold</b>';
    expect(hasMathScripts(html)).toBe(true);
    expect(typesetMathScripts(html, mark)).toBe("The value [I:x^2] and [D:y < 1] <b>bold</b>");
  });

  it("leaves HTML without math, and other scripts, alone", () => {
    const html = '<p>no math</p><script>alert(1)</script><script type="text/javascript">x</script>';
    expect(hasMathScripts(html)).toBe(false);
    expect(typesetMathScripts(html, mark)).toBe(html);
  });

  it("gives KaTeX's MathML for the formula, not the cell's markup", () => {
    const html = '<script type="math/tex">\\frac{1}{2} + \\href{javascript:alert(1)}{x}</script>';
    const out = typesetMathScripts(html, (tex, displayMode) => katex.renderToString(tex, { output: "mathml", throwOnError: false, trust: false, displayMode }));
    expect(out).toContain("<math");
    expect(out).toContain("<mfrac>");
    // trust is off: \href is not a link (its TeX survives only as the annotation's text).
    expect(out).not.toMatch(/href\s*=/);
  });
});
