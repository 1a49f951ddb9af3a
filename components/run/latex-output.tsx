"use client";

import katex from "katex";
import "katex/dist/katex.min.css";

import { KATEX_OPTIONS } from "./latex-options";

/* `text/latex` as KaTeX renders it (latex-options.ts says how). */

/** Math and text parts of a LaTeX output: `$$…$$`, `\[…\]`, `$…$` and `\(…\)` are math. */
export function splitMath(tex: string): { math: boolean; display: boolean; text: string }[] {
  const t = tex.trim();
  const whole = /^\$\$([\s\S]*)\$\$$/.exec(t) ?? /^\\\[([\s\S]*)\\\]$/.exec(t) ?? /^\$([^$]*)\$$/.exec(t);
  if (whole) return [{ math: true, display: true, text: whole[1] ?? "" }];
  if (/^\\begin\{/.test(t)) return [{ math: true, display: true, text: t }];
  const parts: { math: boolean; display: boolean; text: string }[] = [];
  const re = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\$([^$]+?)\$|\\\(([\s\S]+?)\\\)/g;
  let last = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (m.index > last) parts.push({ math: false, display: false, text: t.slice(last, m.index) });
    const display = m[1] !== undefined || m[2] !== undefined;
    parts.push({ math: true, display, text: m[1] ?? m[2] ?? m[3] ?? m[4] ?? "" });
    last = m.index + m[0].length;
  }
  if (last < t.length) parts.push({ math: false, display: false, text: t.slice(last) });
  return parts;
}

/** A cell's `text/latex`, typeset with KaTeX (text between formulas stays text). */
export default function LatexOutput({ tex }: { tex: string }) {
  return (
    <div className="run-latex">
      {splitMath(tex).map((p, i) =>
        p.math ? (
          // KaTeX's own output with trust off: markup it generated, not the cell's.
          <span key={i} dangerouslySetInnerHTML={{ __html: katex.renderToString(p.text, { ...KATEX_OPTIONS, displayMode: p.display }) }} />
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </div>
  );
}
