"use client";

import { useMemo, useRef, useState } from "react";
import Link from "@/components/link";
import { RunPanel } from "@/components/run/run-panel";
import { RunProvider, type TCodeTarget, type TRunWatch } from "@/components/run/run-context";
import { useFrameHeight } from "@/components/embed/frame-height";
import { useHostChannel } from "@/components/embed/host-channel";
import { ZOutputHostMessage, type TEmbedOutputInit, type TEmbedRun } from "@/lib/embed/embed-messages";
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
  const rootRef = useRef<HTMLDivElement>(null);
  useFrameHeight(rootRef);
  const { framed, post } = useHostChannel(ZOutputHostMessage, "output", (m) => {
    if (m.cellar === "output") {
      setInit(m);
      setRun(m.run);
    } else {
      setRun(m);
    }
  });

  // A new object for each run reported, even of the same session (a linked cell run again).
  const watch = useMemo<TRunWatch | null>(
    () => (run ? { session: run.session, msgId: run.msgId, restart: () => post({ cellar: "rerun" }) } : null),
    [run, post],
  );

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
