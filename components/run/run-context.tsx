"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, type ReactNode } from "react";
import { EMPTY_LOG, ZRunMessage, addCell, applyMessage, endLog, isFinished, type TRunLog } from "@/lib/runs/run-log";
import { postJson, type TRunProblem } from "./run-api";

/** Which snippet (and revision) the page shows: what Run runs. */
export type TRunTarget = { owner: string; slug: string; rev: string | null };

export type TRunFile = { name: string; size: number; url: string };

type TRunState = {
  phase: "idle" | "starting" | "open";
  session: string | null;
  note: string | null;
  problem: TRunProblem | null;
  log: TRunLog;
  files: TRunFile[];
  /** Bumped by each new run, so late answers of an earlier one are ignored. */
  generation: number;
};

type TAction =
  | { type: "start" }
  | { type: "started"; generation: number; session: string; note: string | null; msgId: string | null; mainFile: string | null }
  | { type: "problem"; problem: TRunProblem | null }
  | { type: "cell"; generation: number; msgId: string; code: string }
  | { type: "message"; generation: number; seq: number; data: string }
  | { type: "files"; generation: number; files: TRunFile[] }
  | { type: "ended"; generation: number }
  | { type: "reset" };

const INITIAL: TRunState = { phase: "idle", session: null, note: null, problem: null, log: EMPTY_LOG, files: [], generation: 0 };

function reducer(state: TRunState, action: TAction): TRunState {
  if ("generation" in action && action.generation !== state.generation) return state;
  switch (action.type) {
    case "start":
      return { ...INITIAL, phase: "starting", generation: state.generation + 1 };
    case "started": {
      const log = action.msgId ? addCell(state.log, { msgId: action.msgId, code: null, file: action.mainFile }) : state.log;
      return { ...state, phase: "open", session: action.session, note: action.note, log };
    }
    case "problem":
      return { ...state, problem: action.problem, phase: state.phase === "starting" ? "idle" : state.phase };
    case "cell":
      return { ...state, problem: null, log: addCell(state.log, { msgId: action.msgId, code: action.code, file: null }) };
    case "message": {
      let parsed: unknown;
      try {
        parsed = JSON.parse(action.data);
      } catch {
        return state;
      }
      const m = ZRunMessage.safeParse(parsed);
      return m.success ? { ...state, log: applyMessage(state.log, action.seq, m.data, Date.now()) } : state;
    }
    case "files":
      return { ...state, files: action.files };
    case "ended":
      return { ...state, log: endLog(state.log) };
    case "reset":
      return { ...INITIAL, generation: state.generation + 1 };
  }
}

export type TRunContext = TRunState & {
  target: TRunTarget;
  busy: boolean;
  run: () => void;
  runCell: (code: string) => Promise<boolean>;
  stop: () => void;
};

const RunContext = createContext<TRunContext | null>(null);

/** The run of the page's snippet, for the Run button and the Run panel. */
export function useRun(): TRunContext {
  const ctx = useContext(RunContext);
  if (!ctx) throw new Error("useRun must be used inside <RunProvider>");
  return ctx;
}

/**
 * Holds one run of a snippet: starts it (`POST /api/v1/runs`), follows its messages over
 * Server-Sent Events (the browser resumes with Last-Event-ID by itself after a dropped
 * connection), sends cells and interrupts, and closes the session when a new run replaces it
 * or the page is left, so it does not hold one of the visitor's slots until it idles out.
 */
export function RunProvider({ target, children }: { target: TRunTarget; children: ReactNode }) {
  const [state, dispatch] = useReducer(reducer, INITIAL);
  const sourceRef = useRef<EventSource | null>(null);
  const sessionRef = useRef<string | null>(null);
  const generationRef = useRef(0);
  generationRef.current = state.generation;

  const closeSession = useCallback((keepalive: boolean) => {
    sourceRef.current?.close();
    sourceRef.current = null;
    const session = sessionRef.current;
    sessionRef.current = null;
    if (session) void fetch(`/api/v1/runs/${session}`, { method: "DELETE", keepalive }).catch(() => undefined);
  }, []);

  useEffect(() => {
    const leave = () => closeSession(true);
    window.addEventListener("pagehide", leave);
    return () => {
      window.removeEventListener("pagehide", leave);
      closeSession(true);
    };
  }, [closeSession]);

  const refreshFiles = useCallback(async (session: string, generation: number) => {
    const res = await fetch(`/api/v1/runs/${session}/files`).catch(() => null);
    if (!res?.ok) return;
    const body = (await res.json().catch(() => null)) as { files?: TRunFile[] } | null;
    if (body?.files) dispatch({ type: "files", generation, files: body.files });
  }, []);

  const follow = useCallback(
    (session: string, generation: number) => {
      const source = new EventSource(`/api/v1/runs/${session}/events`);
      sourceRef.current = source;
      source.onmessage = (e: MessageEvent<string>) => {
        const seq = Number(e.lastEventId);
        if (!Number.isInteger(seq)) return;
        dispatch({ type: "message", generation, seq, data: e.data });
      };
      source.onerror = () => {
        // CLOSED: the server refused the stream (the run ended); CONNECTING: the browser retries itself.
        if (source.readyState === EventSource.CLOSED && sourceRef.current === source) dispatch({ type: "ended", generation });
      };
    },
    [],
  );

  // Files can change with every cell: look again each time one finishes.
  const finished = state.log.cells.filter(isFinished).length;
  useEffect(() => {
    if (state.session && finished > 0) void refreshFiles(state.session, state.generation);
  }, [finished, state.session, state.generation, refreshFiles]);

  // An ended session sends nothing more; without this the browser would reconnect forever.
  useEffect(() => {
    if (state.log.dead) {
      sourceRef.current?.close();
      sourceRef.current = null;
    }
  }, [state.log.dead]);

  const run = useCallback(() => {
    closeSession(false);
    dispatch({ type: "start" });
    const generation = generationRef.current + 1;
    void (async () => {
      const res = await postJson("/api/v1/runs", { owner: target.owner, slug: target.slug, ...(target.rev ? { rev: target.rev } : {}) });
      if (!res.ok) {
        dispatch({ type: "problem", problem: res.problem });
        return;
      }
      const body = res.body as { session: string; note: string | null; msgId: string | null; mainFile: string | null };
      if (generationRef.current !== generation) {
        // Another Run was pressed meanwhile: this session is nobody's.
        void fetch(`/api/v1/runs/${body.session}`, { method: "DELETE" }).catch(() => undefined);
        return;
      }
      sessionRef.current = body.session;
      dispatch({ type: "started", generation, session: body.session, note: body.note, msgId: body.msgId, mainFile: body.mainFile });
      follow(body.session, generation);
    })();
  }, [closeSession, follow, target.owner, target.slug, target.rev]);


  const runCell = useCallback(
    async (code: string): Promise<boolean> => {
      const session = sessionRef.current;
      if (!session) return false;
      const generation = generationRef.current;
      const res = await postJson(`/api/v1/runs/${session}/cells`, { code });
      if (!res.ok) {
        dispatch({ type: "problem", problem: res.problem });
        // The session is gone (idle too long, a limit, closed): say so instead of a box that cannot run.
        if (res.problem.code === "CONFLICT" || res.problem.code === "NOT_FOUND") dispatch({ type: "ended", generation });
        return false;
      }
      dispatch({ type: "cell", generation, msgId: (res.body as { msgId: string }).msgId, code });
      return true;
    },
    [],
  );

  const stop = useCallback(() => {
    const session = sessionRef.current;
    if (!session) return;
    void postJson(`/api/v1/runs/${session}/interrupt`, {}).then((res) => {
      if (!res.ok) dispatch({ type: "problem", problem: res.problem });
    });
  }, []);

  const busy = state.phase === "starting" || state.log.cells.some((c) => !isFinished(c));
  const value = useMemo<TRunContext>(() => ({ ...state, target, busy, run, runCell, stop }), [state, target, busy, run, runCell, stop]);
  return <RunContext.Provider value={value}>{children}</RunContext.Provider>;
}
