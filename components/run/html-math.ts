/**
 * Math in a cell's HTML. Sage's `html("... $x^2$ ...")` (and its notebook-era output) marks math
 * the way MathJax reads it: `<script type="math/tex">x^2</script>`, with `; mode=display` for
 * `$$…$$`. The sandboxed frame that shows cell HTML runs no MathJax, so the page typesets those
 * scripts itself before the HTML goes into the frame, as MathML (which Chromium, Firefox and
 * Safari draw natively, with no stylesheet or fonts to load inside the frame).
 */

const MATH_SCRIPT = /<script\s+type\s*=\s*["']math\/tex(\s*;\s*mode\s*=\s*display)?["']\s*>([\s\S]*?)<\/script\s*>/gi;

/** Whether `html` holds MathJax-style math scripts. */
export function hasMathScripts(html: string): boolean {
  MATH_SCRIPT.lastIndex = 0;
  return MATH_SCRIPT.test(html);
}

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'" };

/**
 * `html` with each math script replaced by `render(tex, display)`; the TeX has the few entities
 * Sage writes in it (`&lt;`) decoded first. What `render` returns goes in as it is: give it a
 * renderer that makes safe markup (KaTeX with trust off).
 */
export function typesetMathScripts(html: string, render: (tex: string, display: boolean) => string): string {
  return html.replace(MATH_SCRIPT, (_, display: string | undefined, tex: string) =>
    render(
      tex.replace(/&(?:lt|gt|amp|quot|#39);/g, (e) => ENTITIES[e] ?? e),
      display !== undefined,
    ),
  );
}
