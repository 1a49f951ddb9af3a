"use client";

import { useState } from "react";
import { NOTEBOOK_MEDIA_TYPE, serializeNotebook, type TNotebook } from "@/lib/notebooks/nbformat";
import { withRunOutputs } from "@/lib/notebooks/run-outputs";
import { isSnippetTarget, useRun } from "./run-context";

/**
 * "Download as notebook": the revision's notebook (the same as the page's Download notebook
 * link) with the outputs of the reader's last run in this panel, put together in the browser
 * (lib/notebooks/run-outputs.ts). The outputs are not sent anywhere; only the notebook without
 * them is fetched, as the link would.
 */
export function NotebookDownload() {
  const { log, target, oid } = useRun();
  const [problem, setProblem] = useState<string | null>(null);
  // A snippet's notebook only: the /cell page's code has no revision to build one from (yet).
  if (log.cells.length === 0 || !isSnippetTarget(target)) return null;
  const { owner, slug } = target;

  async function download() {
    setProblem(null);
    try {
      const response = await fetch(`/${owner}/${slug}/notebook/${oid}.ipynb`);
      if (!response.ok) throw new Error(String(response.status));
      const notebook = (await response.json()) as TNotebook;
      const blob = new Blob([serializeNotebook(withRunOutputs(notebook, log))], { type: NOTEBOOK_MEDIA_TYPE });
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = `${owner}-${slug}-${oid.slice(0, 7)}-run.ipynb`;
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
