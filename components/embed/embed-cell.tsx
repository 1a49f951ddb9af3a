"use client";

import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type RefObject } from "react";
import { CodeEditor } from "@/components/code-editor";
import Link from "@/components/link";
import { ProblemNotice, RunPanel } from "@/components/run/run-panel";
import { RunProvider, useRun, type TCodeTarget, type TRunLink } from "@/components/run/run-context";
import { useFrameHeight } from "@/components/embed/frame-height";
import { useHostChannel } from "@/components/embed/host-channel";
import { ZHostMessage, type TEmbedInit } from "@/lib/embed/embed-messages";
import "./embed.css";

const CODE_ID = "embed-code";

/**
 * A cell embedded in another site's page (/embed/cell, made by public/embed.js): it waits for the
 * host page's `init` message (the code and options, checked by ZEmbedInit), then shows the
 * editor, the Run button and the Run panel. Messages are accepted only from the parent window
 * and, after the first, only from the origin that sent it; they are data, never evaluated.
 * Linked cells share their group's session through the host page (TRunLink). With its output
 * elsewhere (`outputLocation`), the frame shows no output and tells the host page about each run,
 * which embed.js passes to the cell's output frame (components/embed/embed-output.tsx).
 */
export function EmbedCell() {
  const [init, setInit] = useState<TEmbedInit | null>(null);
  const sessionRef = useRef<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  /** Runs the cell again: the output frame's Restart, relayed by the host page. */
  const rerunRef = useRef<(() => void) | null>(null);
  useFrameHeight(rootRef);
  const { framed, post } = useHostChannel(ZHostMessage, "init", (m) => {
    if (m.cellar === "init") {
      sessionRef.current = m.session;
      setInit(m);
    } else if (m.cellar === "rerun") {
      rerunRef.current?.();
    } else {
      sessionRef.current = m.session;
    }
  });

  const link = useMemo<TRunLink | null>(
    () =>
      init?.group
        ? {
            current: () => sessionRef.current,
            publish: (session) => {
              sessionRef.current = session;
              post({ cellar: "session", session });
            },
          }
        : null,
    [init, post],
  );

  return (
    <div className="embed-root embed-cell" ref={rootRef}>
      {!framed ? (
        <p className="notice">
          This is the frame of a Cellar cell embedded in another page (see the embed documentation). To run code here, open <Link href="/cell">Run code</Link>.
        </p>
      ) : init ? (
        <EmbedRun init={init} link={link} rerunRef={rerunRef} onRun={(session, msgId) => post({ cellar: "run", session, msgId })} />
      ) : (
        <p className="muted embed-cell__loading">Loading…</p>
      )}
    </div>
  );
}

function EmbedRun({
  init,
  link,
  rerunRef,
  onRun,
}: {
  init: TEmbedInit;
  link: TRunLink | null;
  rerunRef: RefObject<(() => void) | null>;
  onRun: (session: string, msgId: string | null) => void;
}) {
  const target = useMemo<TCodeTarget>(
    () => ({
      read: () => ({
        code: (document.getElementById(CODE_ID) as HTMLTextAreaElement | null)?.value ?? init.code,
        kernel: init.kernel,
      }),
    }),
    [init],
  );
  const opening = useMemo(() => ({ saved: null, autoRun: init.autoeval }), [init]);
  return (
    <RunProvider target={target} oid="" opening={opening} link={link} keepOutput={!init.replaceOutput} followEvents={!init.outputElsewhere}>
      <EmbedBox init={init} />
      {init.hide.includes("output") ? null : init.outputElsewhere ? (
        <RunReporter rerunRef={rerunRef} onRun={onRun} />
      ) : (
        <RunPanel embedded hideFiles={init.hide.includes("files")} />
      )}
    </RunProvider>
  );
}

function EmbedBox({ init }: { init: TEmbedInit }) {
  const { run, phase } = useRun();
  const hidden = (what: TEmbedInit["hide"][number]) => init.hide.includes(what);
  const readOnly = init.editor.endsWith("-readonly");

  function onKeyDownCapture(e: KeyboardEvent) {
    if (e.key === "Enter" && e.shiftKey) {
      // Before CodeMirror sees it: Shift+Enter runs instead of inserting a line.
      e.preventDefault();
      e.stopPropagation();
      run();
    }
  }

  /** The link carries the code as it is now (edited or not), made when it is followed. */
  function openInCellar(e: MouseEvent<HTMLAnchorElement>) {
    const code = (document.getElementById(CODE_ID) as HTMLTextAreaElement | null)?.value ?? init.code;
    e.currentTarget.href = `/cell?lang=${init.kernel}&c=${encodeURIComponent(code)}`;
  }

  return (
    <section className="embed-box" aria-label="Code">
      {hidden("editor") ? null : (
        <div onKeyDownCapture={onKeyDownCapture}>
          <label htmlFor={CODE_ID} className="visually-hidden">
            Code
          </label>
          <CodeEditor
            id={CODE_ID}
            name="code"
            path={init.kernel === "sage" ? "cell.sage" : "cell.py"}
            defaultValue={init.code}
            readOnly={readOnly}
            plain={init.editor.startsWith("textarea")}
          />
        </div>
      )}
      {hidden("evalButton") && hidden("permalink") ? null : (
        <div className="embed-box__actions">
          {hidden("evalButton") ? null : (
            <button
              type="button"
              className="button button--primary button--small"
              onClick={() => run()}
              disabled={phase === "starting"}
              aria-controls="run-panel"
            >
              {init.evalButtonText}
            </button>
          )}
          {hidden("permalink") ? null : (
            <a
              className="embed-box__permalink"
              href={`/cell?lang=${init.kernel}`}
              target="_blank"
              rel="noopener"
              onClick={openInCellar}
              onAuxClick={openInCellar}
            >
              Open in Cellar
            </a>
          )}
        </div>
      )}
    </section>
  );
}

/**
 * For a cell whose output shows in another frame: reports each run once its session (and its
 * cell's message id) is known; shows here only that a run is starting, or that Run was refused
 * (the output frame never hears of either).
 */
function RunReporter({ rerunRef, onRun }: { rerunRef: RefObject<(() => void) | null>; onRun: (session: string, msgId: string | null) => void }) {
  const { run, phase, session, generation, log, problem } = useRun();
  const reportRef = useRef(onRun);
  reportRef.current = onRun;
  useEffect(() => {
    rerunRef.current = run;
    return () => {
      rerunRef.current = null;
    };
  }, [rerunRef, run]);
  // The run's own cell is the first of its log ("started" adds it with the session).
  const msgId = log.cells[0]?.msgId ?? null;
  const reported = useRef<number | null>(null);
  useEffect(() => {
    if (phase !== "open" || session === null || reported.current === generation) return;
    reported.current = generation;
    reportRef.current(session, msgId);
  }, [phase, session, generation, msgId]);
  if (problem) return <ProblemNotice problem={problem} />;
  // Until the session exists the output frame knows nothing of this run: say it is on its way.
  return phase === "starting" ? (
    <p className="run-status embed-cell__starting" role="status">
      <span className="run-spinner" aria-hidden="true" />
      Starting…
    </p>
  ) : null;
}
