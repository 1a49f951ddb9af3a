"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { CodeEditor } from "@/components/code-editor";
import type { TEditorAssist } from "@/components/editor-assist";
import { isInlineImage } from "@/lib/runs/run-file-headers";
import type { TRunCell } from "@/lib/runs/run-log";
import { NotebookDownload } from "./notebook-download";
import { OutputView } from "./output-view";
import { useRun, type TRunFile } from "./run-context";
import type { TRunProblem } from "./run-api";
import { statusLine } from "./run-status";
import "./run.css";

/**
 * The output of the page's run, streaming in, then a cell box to run more code in the same
 * namespace (Shift+Enter), a Stop button while something runs, and the files the run wrote.
 * Nothing is shown before the first Run. `embedded` (a cell embedded in another site's page):
 * no box for more code and no notebook download (the embed's own box is the cell), and the
 * files only unless `hideFiles`.
 */
export function RunPanel({ embedded = false, hideFiles = false }: { embedded?: boolean; hideFiles?: boolean } = {}) {
  const { phase, log, clocks, problem, note, files, busy, session, runCell, stop, history, assist, precomputed } = useRun();
  if (phase === "idle" && !problem) return null;
  const status = precomputed ? "Precomputed." : statusLine(phase, log, clocks);
  return (
    <section id="run-panel" className="run-panel" aria-label="Run output">
      <div className="run-panel__head">
        <p className="run-status" role="status" aria-live="polite">
          {busy ? <span className="run-spinner" aria-hidden="true" /> : null}
          {status}
        </p>
        {busy && session ? (
          <button type="button" className="button button--small button--danger" onClick={stop}>
            ■ Stop
          </button>
        ) : null}
        {embedded ? null : <NotebookDownload />}
      </div>
      {precomputed ? (
        <div className="notice run-precomputed">
          <p>
            This output and the interacts&apos; results were computed in advance by the snippet&apos;s owner: moving a control shows the stored result, with no
            live session.
          </p>
          <button type="button" className="button button--small button--primary" onClick={precomputed.goLive}>
            Run live
          </button>
        </div>
      ) : null}
      {problem ? <ProblemNotice problem={problem} /> : null}
      {note ? <p className="notice">{note}</p> : null}
      <ol className="run-cells">
        {history.map((cell, i) => (
          <CellView key={`h${i}`} cell={cell} />
        ))}
        {log.cells.map((cell) => (
          <CellView key={cell.msgId} cell={cell} />
        ))}
      </ol>
      {files.length > 0 && !hideFiles ? <FileList files={files} /> : null}
      {session && !embedded ? <CellBox dead={log.dead} onRun={runCell} assist={assist} /> : null}
    </section>
  );
}

export function ProblemNotice({ problem }: { problem: TRunProblem }) {
  const busy = problem.code === "UNAVAILABLE" && problem.retryAfter !== null && /busy/i.test(problem.message);
  const text = busy ? `All runners are busy — try again in ${problem.retryAfter} second${problem.retryAfter === 1 ? "" : "s"}.` : problem.message;
  return (
    <p className="flash flash--error run-problem" role="alert">
      {text}
    </p>
  );
}

function CellView({ cell }: { cell: TRunCell }) {
  return (
    <li className={`run-cell run-cell--${cell.state}`}>
      {cell.code !== null ? (
        <div className="run-in">
          <span className="run-prompt">In [{cell.count ?? " "}]:</span>
          <pre className="run-code">{cell.code}</pre>
        </div>
      ) : cell.file ? (
        <p className="run-file-label">
          <code>{cell.file}</code>
        </p>
      ) : null}
      {cell.outputs.map((output, i) => (
        <OutputView key={i} output={output} />
      ))}
    </li>
  );
}

function FileList({ files }: { files: TRunFile[] }) {
  return (
    <div className="run-files">
      <h3>Files this run wrote</h3>
      <ul>
        {files.map((f) => (
          <li key={f.name}>
            <a href={f.url} download={f.name.split("/").pop()}>
              {f.name}
            </a>{" "}
            <span className="run-size">{formatSize(f.size)}</span>
            {isInlineImage(f.name) ? (
              // eslint-disable-next-line @next/next/no-img-element -- a file of this run, served by our API.
              <img className="run-image" src={f.url} alt={f.name} loading="lazy" />
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The box for more code. Shift+Enter (or the button) runs it; the box then empties for the next. */
function CellBox({ dead, onRun, assist }: { dead: boolean; onRun: (code: string) => Promise<boolean>; assist: TEditorAssist }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const [generation, setGeneration] = useState(0);
  const [sending, setSending] = useState(false);
  const boxRef = useRef<HTMLDivElement>(null);
  const focusAfter = useRef(false);

  useEffect(() => {
    if (!focusAfter.current) return;
    focusAfter.current = false;
    // The editor loads after the textarea: focus whichever is there once it has settled.
    let tries = 0;
    const tick = () => {
      const editor = boxRef.current?.querySelector<HTMLElement>(".cm-content");
      if (editor) editor.focus();
      else if (++tries < 30) requestAnimationFrame(tick);
      else boxRef.current?.querySelector("textarea")?.focus();
    };
    requestAnimationFrame(tick);
  }, [generation]);

  async function submit() {
    const textarea = document.getElementById(`${id}-code`) as HTMLTextAreaElement | null;
    const code = textarea?.value ?? "";
    if (!code.trim() || sending || dead) return;
    setSending(true);
    const ok = await onRun(code);
    setSending(false);
    if (ok) {
      focusAfter.current = true;
      setGeneration((g) => g + 1);
    }
  }

  function onKeyDownCapture(e: KeyboardEvent) {
    if (e.key === "Enter" && e.shiftKey) {
      // Before CodeMirror sees it: Shift+Enter runs instead of inserting a line.
      e.preventDefault();
      e.stopPropagation();
      void submit();
    }
  }

  if (dead) {
    return <p className="notice run-ended">This session has ended. Press Run again to start a fresh one.</p>;
  }
  return (
    <div className="run-cellbox" ref={boxRef} onKeyDownCapture={onKeyDownCapture}>
      <label htmlFor={`${id}-code`} className="run-cellbox__label">
        Run more code after it, in the same namespace
      </label>
      <CodeEditor key={generation} id={`${id}-code`} name="code" path="cell.py" defaultValue="" describedBy={hintId} assist={assist} />
      <div className="run-cellbox__actions">
        <span id={hintId} className="hint">
          <kbd>Shift</kbd>+<kbd>Enter</kbd> runs the cell, <kbd>Tab</kbd> completes a name, <kbd>Shift</kbd>+<kbd>Tab</kbd> shows its help
        </span>
        <button type="button" className="button button--small" onClick={() => void submit()} disabled={sending}>
          Run cell
        </button>
      </div>
    </div>
  );
}
