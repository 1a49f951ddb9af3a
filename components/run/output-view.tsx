"use client";

import dynamic from "next/dynamic";
import { memo } from "react";
import type { TMimeBundle, TRunOutput } from "@/lib/runs/run-log";
import { InteractView } from "@/components/interact/interact-view";
import { stripAnsi } from "./ansi";
import { HtmlOutput } from "./html-output";
import { SCENE3D_MIME, pickMime, plainOf, utf8Base64 } from "./mime";

// KaTeX and the Markdown renderer are loaded only when an output needs them.
const LatexOutput = dynamic(() => import("./latex-output"), { ssr: false, loading: () => <p className="run-loading">Typesetting…</p> });
const MarkdownOutput = dynamic(() => import("./markdown-output"), { ssr: false, loading: () => <p className="run-loading">Rendering…</p> });
// three.js too (the largest of them): a page without a 3D scene never fetches it.
const Scene3dOutput = dynamic(() => import("./scene3d-output"), { ssr: false, loading: () => <p className="run-loading">Loading the 3D viewer…</p> });

/** One output of a cell: a stream, a rich value, a result with its prompt, an error, a limit or a live interact. */
// Memoized: a control moved re-renders the panel, and outputs (a plot's base64) do not change with it.
export const OutputView = memo(function OutputView({ output }: { output: TRunOutput }) {
  switch (output.kind) {
    case "stream":
      return <pre className={`run-out run-out--${output.name}`}>{stripAnsi(output.text)}</pre>;
    case "error":
      return (
        <pre className="run-out run-out--error" role="alert">
          {output.traceback.length > 0 ? stripAnsi(output.traceback.join("\n")) : `${output.ename}: ${output.evalue}`}
        </pre>
      );
    case "limit":
      return (
        <p className="run-limit" role="alert">
          {output.text}
        </p>
      );
    case "result":
      return (
        <div className="run-result">
          <span className="run-prompt" aria-label={`Result ${output.count ?? ""}`}>
            Out[{output.count ?? " "}]:
          </span>
          <MimeView data={output.data} />
        </div>
      );
    case "display":
      return <MimeView data={output.data} />;
    case "interact":
      return <InteractView id={output.id} />;
    case "job":
      return <JobProgress output={output} />;
  }
});

/** A scatter job's progress bar: "37 / 200 tasks, 2 failed", updated as the service says. */
function JobProgress({ output }: { output: Extract<TRunOutput, { kind: "job" }> }) {
  const { done, failed, total, state } = output;
  const label = `${done} / ${total} tasks${failed ? `, ${failed} failed` : ""}${state === "running" ? "" : state === "done" ? "" : ` (${state})`}`;
  return (
    <div className={`run-job run-job--${state}`} data-testid="run-job">
      <progress className="run-job__bar" max={Math.max(total, 1)} value={total === 0 ? 1 : done} aria-label={`Scatter job: ${label}`} />
      <span className="run-job__label">{label}</span>
    </div>
  );
}

/** The richest part of a MIME bundle the page can show safely. */
export function MimeView({ data }: { data: TMimeBundle }) {
  const shown = pickMime(data);
  if (!shown) return null;
  switch (shown.type) {
    case SCENE3D_MIME:
      return <Scene3dOutput scene={shown.scene} fallback={shown.fallback} alt={plainOf(data) ?? "3D plot"} />;
    case "image/png":
    case "image/jpeg":
    case "image/gif":
      // eslint-disable-next-line @next/next/no-img-element -- a data: URL; next/image has nothing to optimise.
      return <img className="run-image" src={`data:${shown.type};base64,${shown.base64}`} alt={plainOf(data) ?? "Image output"} />;
    case "image/svg+xml":
      // As an <img>, SVG cannot run scripts or reach the page.
      // eslint-disable-next-line @next/next/no-img-element
      return <img className="run-image" src={`data:image/svg+xml;base64,${utf8Base64(shown.text)}`} alt={plainOf(data) ?? "SVG output"} />;
    case "text/html":
      return <HtmlOutput html={shown.text} />;
    case "text/latex":
      return <LatexOutput tex={shown.text} />;
    case "text/markdown":
      return <MarkdownOutput source={shown.text} />;
    case "application/json":
      return <pre className="run-out">{JSON.stringify(shown.value, null, 2)}</pre>;
    case "text/plain":
      return <pre className="run-out">{stripAnsi(shown.text)}</pre>;
  }
}
