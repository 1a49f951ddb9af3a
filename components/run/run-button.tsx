"use client";

import { useEffect, useState } from "react";
import { useRun } from "./run-context";

/**
 * The Run button of the snippet bar. Run needs JavaScript, so the button appears only once the
 * page is interactive; after a first run it reads "Run again" and starts a fresh session.
 */
export function RunButton() {
  const { run, phase, session, precomputed } = useRun();
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  if (!mounted) return null;
  // A precomputed run (static-run.tsx) is shown, but nothing has run yet in this page.
  const again = !precomputed && (phase !== "idle" || session !== null);
  return (
    <button type="button" className="button button--primary run-button" onClick={() => run()} disabled={phase === "starting"} aria-controls="run-panel">
      <span aria-hidden="true">▶ </span>
      {again ? "Run again" : "Run"}
    </button>
  );
}
