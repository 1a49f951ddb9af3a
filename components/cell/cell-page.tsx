"use client";

import { useMemo, useRef, useState, useTransition, type FormEvent, type KeyboardEvent } from "react";
import Link from "@/components/link";
import { CodeEditor } from "@/components/code-editor";
import { CopyButton } from "@/components/copy-button";
import type { TSavedValues } from "@/components/interact/interact-values";
import { postJson, type TRunProblem } from "@/components/run/run-api";
import { RunPanel } from "@/components/run/run-panel";
import { RunProvider, useRun, type TCodeTarget } from "@/components/run/run-context";
import { KERNEL_LABELS, type TKernelName } from "@/lib/snippets/kernel";
import "./cell.css";

export type TCellPageProps = {
  code: string;
  kernel: TKernelName;
  /** The kernels this server offers. */
  kernels: TKernelName[];
  /** Run at once (the link's `autoeval`). */
  autoRun: boolean;
  /** A short link's saved interact values, given to the interacts of the first run. */
  saved: TSavedValues | null;
  /** What is wrong with the link the page was opened with. */
  problem: string | null;
  signedIn: boolean;
  saveAction: (input: { title: string; code: string; kernel: string }) => Promise<{ error: string }>;
};

const CODE_ID = "cell-code";

/** The box's current code: the editor keeps its textarea up to date. */
function readCode(): string {
  return (document.getElementById(CODE_ID) as HTMLTextAreaElement | null)?.value ?? "";
}

/**
 * The /cell page: a code box, a kernel choice, Run (or Shift+Enter) into the same Run panel as
 * snippet pages, Share (a short link, and a link carrying the code itself), and Save as snippet.
 */
export function CellPage(props: TCellPageProps) {
  const [kernel, setKernel] = useState<TKernelName>(props.kernel);
  const kernelRef = useRef(kernel);
  kernelRef.current = kernel;
  const target = useMemo<TCodeTarget>(() => ({ read: () => ({ code: readCode(), kernel: kernelRef.current }) }), []);
  const opening = useMemo(() => ({ saved: props.saved, autoRun: props.autoRun }), [props.saved, props.autoRun]);
  return (
    <RunProvider target={target} oid="" opening={opening}>
      <CellBox {...props} kernel={kernel} setKernel={setKernel} />
      <RunPanel />
    </RunProvider>
  );
}

function CellBox(props: TCellPageProps & { setKernel: (k: TKernelName) => void }) {
  const { run, phase, savedValues, assist } = useRun();
  const { kernel, kernels } = props;

  function onKeyDownCapture(e: KeyboardEvent) {
    if (e.key === "Enter" && e.shiftKey) {
      // Before CodeMirror sees it: Shift+Enter runs instead of inserting a line.
      e.preventDefault();
      e.stopPropagation();
      run();
    }
  }

  return (
    <section className="cell-box" aria-label="Code">
      {props.problem ? (
        <p className="flash flash--error cell-problem" role="alert">
          {props.problem}
        </p>
      ) : null}
      <div className="cell-box__bar">
        <label htmlFor="cell-kernel">Language</label>
        <select id="cell-kernel" className="input cell-box__kernel" value={kernel} onChange={(e) => props.setKernel(e.target.value as TKernelName)}>
          {kernels.map((k) => (
            <option key={k} value={k}>
              {KERNEL_LABELS[k]}
            </option>
          ))}
          {/* A link may name a kernel this server lacks: keep it selected, Run will say so. */}
          {kernels.includes(kernel) ? null : <option value={kernel}>{KERNEL_LABELS[kernel]} (not on this server)</option>}
        </select>
      </div>
      <div onKeyDownCapture={onKeyDownCapture}>
        <label htmlFor={CODE_ID} className="visually-hidden">
          Code
        </label>
        <CodeEditor
          id={CODE_ID}
          name="code"
          path={kernel === "sage" ? "cell.sage" : "cell.py"}
          defaultValue={props.code}
          describedBy="cell-hint"
          assist={assist}
        />
      </div>
      <div className="cell-box__actions">
        <button type="button" className="button button--primary" onClick={() => run()} disabled={phase === "starting"} aria-controls="run-panel">
          <span aria-hidden="true">▶ </span>Run
        </button>
        <span id="cell-hint" className="hint">
          <kbd>Shift</kbd>+<kbd>Enter</kbd> runs the code; after a run, <kbd>Tab</kbd> completes a name and <kbd>Shift</kbd>+<kbd>Tab</kbd> shows its help
        </span>
        <ShareBox kernel={kernel} savedValues={savedValues} />
      </div>
      {props.signedIn ? (
        <SaveBox kernel={kernel} saveAction={props.saveAction} />
      ) : (
        <p className="muted cell-box__signin">
          <Link href="/signin?callbackUrl=/cell">Sign in</Link> to save your code as a snippet.
        </p>
      )}
    </section>
  );
}

/** base64url without padding, as SageMathCell writes `z`. */
function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The code zlib-compressed (the browser's CompressionStream "deflate" is zlib's format). */
async function zOf(code: string): Promise<string> {
  const stream = new Blob([code]).stream().pipeThrough(new CompressionStream("deflate"));
  return base64url(new Uint8Array(await new Response(stream).arrayBuffer()));
}

type TShared = { short: string; long: string | null };

function ShareBox({ kernel, savedValues }: { kernel: TKernelName; savedValues: () => TSavedValues }) {
  const [shared, setShared] = useState<TShared | null>(null);
  const [problem, setProblem] = useState<TRunProblem | null>(null);
  const [pending, setPending] = useState(false);

  async function share() {
    const code = readCode();
    setPending(true);
    setProblem(null);
    const values = savedValues();
    const res = await postJson("/api/v1/cells", { code, kernel, ...(Object.keys(values).length > 0 ? { interacts: values } : {}) });
    if (!res.ok) {
      setPending(false);
      setShared(null);
      setProblem(res.problem);
      return;
    }
    const short = (res.body as { url: string }).url;
    const z = await zOf(code).catch(() => null);
    const long = z === null ? null : `${window.location.origin}/cell?z=${z}&lang=${kernel}`;
    setPending(false);
    setShared({ short, long });
  }

  return (
    <>
      <button type="button" className="button cell-share__button" onClick={() => void share()} disabled={pending}>
        Share
      </button>
      {problem ? (
        <p className="flash flash--error cell-share__problem" role="alert">
          {problem.message}
        </p>
      ) : null}
      {shared ? (
        <div className="cell-share__links">
          <label htmlFor="cell-short-link">Short link</label>
          <input id="cell-short-link" className="input input--mono" readOnly value={shared.short} onFocus={(e) => e.currentTarget.select()} />
          <CopyButton text={shared.short} ariaLabel="Copy the short link" className="button button--small" />
          {shared.long ? (
            <>
              <label htmlFor="cell-long-link">Link with the code in it</label>
              <input id="cell-long-link" className="input input--mono" readOnly value={shared.long} onFocus={(e) => e.currentTarget.select()} />
              <CopyButton text={shared.long} ariaLabel="Copy the link with the code in it" className="button button--small" />
            </>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

function SaveBox({ kernel, saveAction }: { kernel: TKernelName; saveAction: TCellPageProps["saveAction"] }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const [title, setTitle] = useState("");

  function save(e: FormEvent) {
    e.preventDefault();
    const code = readCode();
    startTransition(async () => {
      // On success the action redirects to the new snippet and returns nothing here.
      const result = await saveAction({ title, code, kernel });
      setError(result.error);
    });
  }

  return (
    <form className="cell-save" onSubmit={save}>
      <label htmlFor="cell-title">Title</label>
      <input id="cell-title" className="input" value={title} maxLength={200} placeholder="Untitled cell" onChange={(e) => setTitle(e.target.value)} />
      <button type="submit" className="button" disabled={pending}>
        Save as snippet
      </button>
      {error ? (
        <p className="flash flash--error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
