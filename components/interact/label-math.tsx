"use client";

import katex from "katex";
import { splitMath } from "@/components/run/latex-output";
import { KATEX_OPTIONS } from "@/components/run/latex-options";

/**
 * A control label with `$…$` in it, as Sage users write them (`label='$\alpha$'`), typeset
 * inline with KaTeX under the same options as a cell's LaTeX. Loaded only for such labels.
 */
export default function LabelMath({ text }: { text: string }) {
  return (
    <>
      {splitMath(text).map((p, i) =>
        p.math ? (
          // KaTeX's own output with trust off: markup it generated, not the kernel's.
          <span key={i} dangerouslySetInnerHTML={{ __html: katex.renderToString(p.text, { ...KATEX_OPTIONS, displayMode: false }) }} />
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}
