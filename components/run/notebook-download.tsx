"use client";

import { useState } from "react";
import { buildCellNotebook } from "@/lib/notebooks/build-notebook";
import { NOTEBOOK_MEDIA_TYPE, serializeNotebook, type TNotebook } from "@/lib/notebooks/nbformat";
import { withRunOutputs } from "@/lib/notebooks/run-outputs";
import { isSnippetTarget, useRun } from "./run-context";

/**
 * "Download as notebook": the notebook of what ran with the outputs of the reader's last run in
 * this panel, put together in the browser (lib/notebooks/run-outputs.ts). On a snippet's page
 * that is the revision's notebook (the same as the page's Download notebook link, fetched as the
 * link would); on /cell, the code Run was pressed with, in the kernel it ran in. The outputs are
 * not sent anywhere.
 */
export function NotebookDownload() {
  const { log, target, oid, ran } = useRun();
  const [problem, setProblem] = useState<string | null>(null);
  if (log.cells.length === 0) return null;
  const snippet = isSnippetTarget(target) ? target : null;
  if (!snippet && !ran) return null;

  async function download() {
    setProblem(null);
    try {
      let notebook: TNotebook;
      let name: string;
      if (snippet) {
        const response = await fetch(`/${snippet.owner}/${snippet.slug}/notebook/${oid}.ipynb`);
        if (!response.ok) throw new Error(String(response.status));
        notebook = (await response.json()) as TNotebook;
        name = `${snippet.owner}-${snippet.slug}-${oid.slice(0, 7)}-run.ipynb`;
      } else if (ran) {
        notebook = buildCellNotebook(ran);
        name = `cell-${ran.kernel}-run.ipynb`;
      } else return;
      const blob = new Blob([serializeNotebook(withRunOutputs(notebook, log))], { type: NOTEBOOK_MEDIA_TYPE });
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      // After the click has started the download.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      setProblem("The notebook could not be made. Try again.");
    }
  }

  return (
    <>
      <button type="button" className="button button--small" onClick={() => void download()}>
        Download as notebook
      </button>
      {problem ? (
        <span className="flash flash--error" role="alert">
          {problem}
        </span>
      ) : null}
    </>
  );
}
