import type { TMimeBundle, TRunLog, TRunOutput } from "@/lib/runs/run-log";
import { toLines, type TNbCell, type TNbOutput, type TNotebook } from "./nbformat";

/*
 * The Run panel's "Download as notebook": the snippet's exported notebook (fetched from
 * /:owner/:slug/notebook/:oid.ipynb) with the reader's last run in it, merged in the browser.
 * The outputs never go to the server: they are the reader's, and the panel already holds them.
 * Pure, so it is tested without a browser.
 */

/** MIME types kept in a notebook output. Cellar's own (3D scenes, interacts) mean nothing to Jupyter. */
const TEXT_TYPES = ["text/plain", "text/html", "text/latex", "text/markdown", "image/svg+xml"];
const BASE64_TYPES = ["image/png", "image/jpeg", "image/gif"];

/** A MIME bundle as nbformat wants it: text as lines, images as base64 strings, JSON as it is. */
function toNbData(data: TMimeBundle): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const [type, value] of Object.entries(data)) {
    if (
      (TEXT_TYPES.includes(type) || BASE64_TYPES.includes(type)) &&
      (typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string")))
    ) {
      const text = Array.isArray(value) ? value.join("") : value;
      out[type] = BASE64_TYPES.includes(type) ? text.replace(/\s+/g, "") : toLines(text);
    } else if (type === "application/json" && typeof value === "object" && value !== null) {
      out[type] = value;
    }
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** One output of the panel in nbformat, or nothing for what Jupyter cannot show. */
function toNbOutputs(output: TRunOutput, log: TRunLog, depth = 0): TNbOutput[] {
  switch (output.kind) {
    case "stream":
      return [{ output_type: "stream", name: output.name, text: toLines(output.text) }];
    case "error":
      return [{ output_type: "error", ename: output.ename, evalue: output.evalue, traceback: output.traceback }];
    case "limit":
      return [{ output_type: "stream", name: "stderr", text: toLines(output.text + "\n") }];
    case "display": {
      const data = toNbData(output.data);
      return data ? [{ output_type: "display_data", data, metadata: {} }] : [];
    }
    case "result": {
      const data = toNbData(output.data);
      return data ? [{ output_type: "execute_result", execution_count: output.count, data, metadata: {} }] : [];
    }
    case "job":
      return [{ output_type: "display_data", data: { "text/plain": [jobText(output)] }, metadata: {} }];
    case "interact": {
      // Its controls live on Cellar only; what its latest run showed is kept (nested ones too, to a point).
      const interact = log.interacts[output.id];
      const note: TNbOutput = {
        output_type: "display_data",
        data: { "text/plain": ["(An interact: its controls work on Cellar. Its last output follows.)"] },
        metadata: {},
      };
      return depth > 8 || !interact ? [note] : [note, ...interact.outputs.flatMap((o) => toNbOutputs(o, log, depth + 1))];
    }
  }
}

/**
 * The notebook with the run's outputs: the snippet's run (the cell with no code of its own) into
 * the main file's cell, then each cell the reader typed as a new code cell with its outputs.
 */
export function withRunOutputs(notebook: TNotebook, log: TRunLog): TNotebook {
  const cells: TNbCell[] = notebook.cells.map((c) => ({ ...c }));
  const mainIndex = cells.findIndex((c) => c.cell_type === "code" && (c.metadata.cellar as { role?: string } | undefined)?.role === "main");
  let added = 0;
  for (const cell of log.cells) {
    const outputs = cell.outputs.flatMap((o) => toNbOutputs(o, log));
    if (cell.code === null) {
      const main = cells[mainIndex];
      if (main?.cell_type === "code") cells[mainIndex] = { ...main, execution_count: cell.count, outputs };
      continue;
    }
    added++;
    cells.push({ cell_type: "code", id: `run-cell-${added}`, metadata: {}, execution_count: cell.count, source: toLines(cell.code), outputs });
  }
  return { ...notebook, cells };
}

/** A scatter job's progress in words: "scatter: 37 / 200 tasks, 2 failed". */
export function jobText(job: { done: number; failed: number; total: number; state: string }): string {
  return `scatter: ${job.done} / ${job.total} tasks${job.failed ? `, ${job.failed} failed` : ""}${job.state === "running" ? "" : ` (${job.state})`}`;
}
