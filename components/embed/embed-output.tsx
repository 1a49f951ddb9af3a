"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import Link from "@/components/link";
import { RunPanel } from "@/components/run/run-panel";
import { RunProvider, type TCodeTarget, type TRunWatch } from "@/components/run/run-context";
import { useFrameHeight } from "@/components/embed/frame-height";
import { ZOutputHostMessage, type TEmbedOutputInit, type TEmbedRun, type TFrameMessage } from "@/lib/embed/embed-messages";
import "./embed.css";

/** Never read: an output frame only follows runs its cell's frame started. */
const NO_TARGET: TCodeTarget = { read: () => ({ code: "", kernel: "python" }) };

/**
 * The output of a cell embedded with `outputLocation` (/embed/output, made by public/embed.js
 * where the host page asked): the cell's runs as its own frame's Run panel would show them,
 * interacts live. The host page passes it the runs the cell's frame reports (`{cellar: "run"}`,
 * checked by ZEmbedRun); it follows each one's session and shows only that cell's output. It
 * starts and ends no session. Messages are accepted only from the parent window and, after the
 * first, only from the origin that sent it; they are data, never evaluated.
 */
export function EmbedOutput() {
  const [init, setInit] = useState<TEmbedOutputInit | null>(null);
  const [run, setRun] = useState<TEmbedRun | null>(null);
  const [framed, setFramed] = useState(true);
  const hostRef = useRef<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  useFrameHeight(rootRef);

  useEffect(() => {
    if (window.parent === window) {
      setFramed(false);
      return;
    }
    const onMessage = (e: MessageEvent) => {
      if (e.source !== window.parent) return;
      if (hostRef.current !== null && e.origin !== hostRef.current) return;
      const m = ZOutputHostMessage.safeParse(e.data);
      if (!m.success) return;
      if (m.data.cellar === "output") {
        if (hostRef.current !== null) return;
        hostRef.current = e.origin;
        setInit(m.data);
        setRun(m.data.run);
      } else if (hostRef.current !== null) {
        setRun(m.data);
      }
    };
    window.addEventListener("message", onMessage);
    post({ cellar: "ready" });
    return () => window.removeEventListener("message", onMessage);
  }, []);

  /** To the host page: only the origin that sent `output` may read what we say after it. */
  function post(message: TFrameMessage) {
    const host = hostRef.current;
    window.parent.postMessage(message, host === null || host === "null" ? "*" : host);
  }

  // A new object for each run reported, even of the same session (a linked cell run again).
  const watch = useMemo<TRunWatch | null>(() => (run ? { session: run.session, msgId: run.msgId, restart: () => post({ cellar: "rerun" }) } : null), [run]);

  return (
    <div className="embed-root embed-output" ref={rootRef}>
      {!framed ? (
        <p className="notice">
          This is the output frame of a Cellar cell embedded in another page (see the embed documentation). To run code here, open{" "}
          <Link href="/cell">Run code</Link>.
        </p>
      ) : init ? (
        <RunProvider target={NO_TARGET} oid="" watch={watch} keepOutput={!init.replaceOutput}>
          <RunPanel embedded hideFiles={init.hideFiles} />
        </RunProvider>
      ) : null}
    </div>
  );
}
