"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, type ReactNode } from "react";
import { EMPTY_LOG, addCell, applyMessage, beginUpdate, endLog, isFinished, isOwnMessage, type TRunCell, type TRunLog } from "@/lib/runs/run-log";
import { ZJupyterMessage } from "@/lib/exec/protocol";
import {
  coalesce,
  lastingValues,
  restoreValues,
  sameValues,
  savedFromSearch,
  defaultValues,
  type TInteractValues,
  type TSavedValues,
} from "@/components/interact/interact-values";
import type { TKernelName } from "@/lib/snippets/kernel";
import type { TEditorAssist } from "@/components/editor-assist";
import { postJson, type TRunProblem } from "./run-api";
import { sessionAssist } from "./session-assist";
import type { TCellClock } from "./run-status";

/** Which snippet (and revision) the page shows: what Run runs. */
export type TSnippetTarget = { owner: string; slug: string; rev: string | null };

/** Code typed on the page (/cell): what Run runs, read when Run is pressed. */
export type TCodeTarget = { read: () => { code: string; kernel: TKernelName } };

export type TRunTarget = TSnippetTarget | TCodeTarget;

/** Whether Run runs a snippet (which has its own permalinks), not code typed on the page. */
export function isSnippetTarget(target: TRunTarget): target is TSnippetTarget {
  return "owner" in target;
}

export type TRunFile = { name: string; size: number; url: string };

/**
 * A session shared with other Run panels (linked embedded cells, docs/api.md "Embeds"): Run runs
 * the code as a further cell of the group's live session, or starts one and publishes it.
 */
export type TRunLink = {
  /** The group's live session, if one is known. */
  current: () => string | null;
  /** Tells the group about a session this panel started. */
  publish: (session: string) => void;
};

/**
 * Follow-only: show a run another panel started (an embedded cell's output frame, docs/api.md
 * "Embeds"), never start or end a session. `msgId`: the cell whose output to show (null: all the
 * session prints); `restart`: what an ended interact's Restart does (asks that panel to run again).
 */
export type TRunWatch = { session: string; msgId: string | null; restart: (() => void) | null };

type TRunState = {
  phase: "idle" | "starting" | "open";
  session: string | null;
  note: string | null;
  problem: TRunProblem | null;
  log: TRunLog;
  files: TRunFile[];
  /** Bumped by each new run, so late answers of an earlier one are ignored. */
  generation: number;
  /** When Run was pressed (browser clock): the start of the run's own cell's time. */
  pressedAt: number | null;
  /** The page's own times of the cells it sent, by msgId (run-status.ts). */
  clocks: Record<string, TCellClock>;
  /** For code typed on the page (/cell): the code and kernel this run started with. */
  ran: { code: string; kernel: TKernelName } | null;
  /** Each live interact's control values (what the controls show), by interact id. */
  values: Record<string, TInteractValues>;
  /**
   * Values to give the interacts of this run as they appear, by key (a permalink, or Restart),
   * until the reader changes a control: a nested interact its parent's restored update makes
   * again gets them too, one made again later by the reader's change starts from its defaults.
   */
  saved: TSavedValues | null;
  /** Interacts given saved values that differ from their defaults: each needs one update. */
  restored: string[];
  /** Every interact that got such values this run (its update makes its nested interacts again). */
  everRestored: string[];
  /** A refused update, shown in its interact until the next one is accepted. */
  interactProblems: Record<string, TRunProblem>;
  /**
   * Only this panel's cells count (a linked session): messages of cells other panels sent to
   * the same session are dropped.
   */
  ownOnly: boolean;
  /** Cells of earlier runs kept above this one's (an embed with `replaceOutput: false`). */
  history: TRunCell[];
};

type TAction =
  | { type: "start"; saved: TSavedValues | null; ownOnly: boolean; keep: boolean; at: number | null }
  | {
      type: "started";
      generation: number;
      session: string;
      note: string | null;
      msgId: string | null;
      mainFile: string | null;
      ran: { code: string; kernel: TKernelName } | null;
    }
  | { type: "problem"; problem: TRunProblem | null }
  | { type: "cell"; generation: number; msgId: string; code: string; sentAt: number }
  | { type: "message"; generation: number; seq: number; data: string }
  | { type: "files"; generation: number; files: TRunFile[] }
  | { type: "ended"; generation: number }
  | { type: "values"; generation: number; id: string; values: TInteractValues; byReader: boolean }
  | { type: "update"; generation: number; id: string; msgId: string }
  | { type: "restoredSent"; generation: number; ids: string[] }
  | { type: "interactProblem"; generation: number; id: string; problem: TRunProblem }
  | { type: "reset" };

const INITIAL: TRunState = {
  phase: "idle",
  session: null,
  note: null,
  problem: null,
  log: EMPTY_LOG,
  files: [],
  generation: 0,
  pressedAt: null,
  clocks: {},
  ran: null,
  values: {},
  saved: null,
  restored: [],
  everRestored: [],
  interactProblems: {},
  ownOnly: false,
  history: [],
};

function reducer(state: TRunState, action: TAction): TRunState {
  if ("generation" in action && action.generation !== state.generation) return state;
  switch (action.type) {
    case "start":
      return {
        ...INITIAL,
        phase: "starting",
        generation: state.generation + 1,
        saved: action.saved,
        ownOnly: action.ownOnly,
        history: action.keep ? [...state.history, ...state.log.cells] : [],
        pressedAt: action.at,
      };
    case "started": {
      const log = action.msgId ? addCell(state.log, { msgId: action.msgId, code: null, file: action.mainFile }) : state.log;
      const clocks = action.msgId && state.pressedAt !== null ? { ...state.clocks, [action.msgId]: { sentAt: state.pressedAt, doneAt: null } } : state.clocks;
      return stampFinished({ ...state, phase: "open", session: action.session, note: action.note, log, clocks, ran: action.ran });
    }
    case "problem":
      return { ...state, problem: action.problem, phase: state.phase === "starting" ? "idle" : state.phase };
    case "cell":
      return stampFinished({
        ...state,
        problem: null,
        log: addCell(state.log, { msgId: action.msgId, code: action.code, file: null }),
        clocks: { ...state.clocks, [action.msgId]: { sentAt: action.sentAt, doneAt: null } },
      });
    case "message": {
      let parsed: unknown;
      try {
        parsed = JSON.parse(action.data);
      } catch {
        return state;
      }
      // What does not parse as one of the service's messages (lib/exec/protocol) is dropped.
      const m = ZJupyterMessage.safeParse(parsed);
      if (m.success && state.ownOnly && !isOwnMessage(state.log, m.data)) return state;
      return m.success ? stampFinished(withNewInteracts({ ...state, log: applyMessage(state.log, action.seq, m.data, Date.now()) })) : state;
    }
    case "files":
      return { ...state, files: action.files };
    case "ended":
      return stampFinished({ ...state, log: endLog(state.log) });
    case "values":
      return { ...state, values: { ...state.values, [action.id]: action.values }, saved: action.byReader ? null : state.saved };
    case "update": {
      const { [action.id]: _solved, ...interactProblems } = state.interactProblems;
      return { ...state, log: beginUpdate(state.log, action.id, action.msgId), interactProblems };
    }
    case "restoredSent":
      return { ...state, restored: state.restored.filter((id) => !action.ids.includes(id)) };
    case "interactProblem":
      return { ...state, interactProblems: { ...state.interactProblems, [action.id]: action.problem } };
    case "reset":
      return { ...INITIAL, generation: state.generation + 1 };
  }
}

/**
 * Notes the time (browser clock) at which each cell the page sent is first seen finished: its
 * output is on the page then, so the status line's time is what the reader waited.
 */
function stampFinished(state: TRunState): TRunState {
  let clocks: Record<string, TCellClock> | null = null;
  for (const cell of state.log.cells) {
    const clock = state.clocks[cell.msgId];
    if (!clock || clock.doneAt !== null || !isFinished(cell)) continue;
    clocks ??= { ...state.clocks };
    clocks[cell.msgId] = { ...clock, doneAt: Date.now() };
  }
  return clocks ? { ...state, clocks } : state;
}

/**
 * Gives interacts that just appeared their values: the saved ones for their key, else their
 * defaults. Values of interacts that are gone are dropped.
 */
function withNewInteracts(state: TRunState): TRunState {
  const { interacts } = state.log;
  const ids = Object.keys(interacts);
  if (ids.every((id) => id in state.values) && Object.keys(state.values).length === ids.length) return state;
  const values: Record<string, TInteractValues> = {};
  const restored = [...state.restored];
  const everRestored = [...state.everRestored];
  for (const x of Object.values(interacts)) {
    const known = state.values[x.id];
    if (known) {
      values[x.id] = known;
      continue;
    }
    const v = restoreValues(x.spec, state.saved?.[x.key]);
    values[x.id] = v;
    if (sameValues(v, defaultValues(x.spec))) continue;
    everRestored.push(x.id);
    // A parent that re-runs with its values makes this one again: no update for this copy.
    if (!ancestorsOf(state.log, x.id).some((a) => everRestored.includes(a))) restored.push(x.id);
  }
  return { ...state, values, restored, everRestored };
}

function ancestorsOf(log: TRunLog, id: string): string[] {
  const out: string[] = [];
  for (let p = log.interacts[id]?.parent ?? null; p !== null; p = log.interacts[p]?.parent ?? null) out.push(p);
  return out;
}

export type TRunContext = TRunState & {
  target: TRunTarget;
  /** The revision the page shows (a permalink's oid even on the latest view). */
  oid: string;
  busy: boolean;
  run: () => void;
  runCell: (code: string) => Promise<boolean>;
  stop: () => void;
  /** Runs again and gives every interact back its last values. */
  restart: () => void;
  /** Every live interact's lasting control values by key, as Restart and links keep them. */
  savedValues: () => TSavedValues;
  /** Sets an interact's controls without running it (auto_update=False until Update). */
  setInteractValues: (id: string, values: TInteractValues) => void;
  /**
   * Re-runs an interact with these wire values. One update per interact is in flight; values
   * given meanwhile wait, and only the latest are sent when it finishes (presses keep their own).
   */
  updateInteract: (id: string, values: TInteractValues) => void;
  /** Tab completion and Shift+Tab help for the page's code boxes, from this run's session. */
  assist: TEditorAssist;
  /** Set while the page plays a precomputed run (static-run.tsx): `goLive` starts a real one. */
  precomputed?: { goLive: () => void } | undefined;
};

/** Provided by RunProvider, or by PrecomputedRunProvider (static-run.tsx) while it plays stored frames. */
export const RunContext = createContext<TRunContext | null>(null);

/** The run of the page's snippet, for the Run button and the Run panel. */
export function useRun(): TRunContext {
  const ctx = useContext(RunContext);
  if (!ctx) throw new Error("useRun must be used inside <RunProvider>");
  return ctx;
}

/** An update sent for an interact: its msgId once the site answers, and the updates waiting to go next. */
type TFlight = { msgId: string | null; waiting: TInteractValues[] };

/**
 * Holds one run of a snippet: starts it (`POST /api/v1/runs`), follows its messages over
 * Server-Sent Events (the browser resumes with Last-Event-ID by itself after a dropped
 * connection), sends cells, interrupts and interact updates, and closes the session when a new
 * run replaces it or the page is left, so it does not hold one of the visitor's slots until it
 * idles out. A page opened with `?values=` (an interact's permalink) runs at once and gives the
 * interacts those values as they appear. `opening` (the /cell page's links): values for the
 * interacts of the first run, which starts at once when `autoRun`.
 */
export function RunProvider({
  target,
  oid,
  opening = null,
  link = null,
  keepOutput = false,
  watch = null,
  followEvents = true,
  children,
}: {
  target: TRunTarget;
  oid: string;
  opening?: { saved: TSavedValues | null; autoRun: boolean } | null;
  /** Share the session with other panels (see {@link TRunLink}); fixed for the panel's life. */
  link?: TRunLink | null;
  /** Keep earlier runs' output above the new one instead of replacing it. */
  keepOutput?: boolean;
  /** Follow this run instead of starting any (see {@link TRunWatch}); a new object follows anew. */
  watch?: TRunWatch | null;
  /**
   * false: start runs without following their messages (an embedded cell whose output frame
   * follows them: a browser has few connections per site over HTTP/1.1, and each stream holds one).
   */
  followEvents?: boolean;
  children: ReactNode;
}) {
  const [state, dispatch] = useReducer(reducer, INITIAL);
  const sourceRef = useRef<EventSource | null>(null);
  const sessionRef = useRef<string | null>(null);
  const generationRef = useRef(0);
  generationRef.current = state.generation;
  const stateRef = useRef(state);
  stateRef.current = state;
  const flightsRef = useRef(new Map<string, TFlight>());
  const targetRef = useRef(target);
  targetRef.current = target;
  const openingRef = useRef(opening);
  const linkRef = useRef(link);
  linkRef.current = link;
  const keepRef = useRef(keepOutput);
  keepRef.current = keepOutput;
  const startedRef = useRef(false);
  const watchRef = useRef(watch);
  watchRef.current = watch;
  const followEventsRef = useRef(followEvents);
  followEventsRef.current = followEvents;

  const closeSession = useCallback((keepalive: boolean, shared = false) => {
    sourceRef.current?.close();
    sourceRef.current = null;
    const session = sessionRef.current;
    sessionRef.current = null;
    // A linked panel's session is the group's: another Run of it keeps it for the others.
    if (session && !shared) void fetch(`/api/v1/runs/${session}`, { method: "DELETE", keepalive }).catch(() => undefined);
  }, []);

  useEffect(() => {
    // A watched session is the panel's that started it: leaving only stops following it.
    const leave = () => closeSession(true, watchRef.current !== null);
    window.addEventListener("pagehide", leave);
    return () => {
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, [closeSession]);

  const refreshFiles = useCallback(async (session: string, generation: number) => {
    const res = await fetch(`/api/v1/runs/${session}/files`).catch(() => null);
    if (!res?.ok) return;
    const body = (await res.json().catch(() => null)) as { files?: TRunFile[] } | null;
    if (body?.files) dispatch({ type: "files", generation, files: body.files });
  }, []);

  const follow = useCallback((session: string, generation: number) => {
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
  }, []);

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

  const start = useCallback(
    (saved: TSavedValues | null) => {
      const link = linkRef.current;
      closeSession(false, link !== null);
      startedRef.current = true;
      flightsRef.current.clear();
      dispatch({ type: "start", saved, ownOnly: link !== null, keep: keepRef.current, at: Date.now() });
      const generation = generationRef.current + 1;
      void (async () => {
        const t = targetRef.current;
        const typed = isSnippetTarget(t) ? null : t.read();
        const request = isSnippetTarget(t) ? { owner: t.owner, slug: t.slug, ...(t.rev ? { rev: t.rev } : {}) } : typed;
        const shared = link?.current() ?? null;
        if (shared !== null && typed !== null) {
          // A further cell of the group's session; if that session has ended, a new one below.
          const cell = await postJson(`/api/v1/runs/${shared}/cells`, { code: typed.code });
          if (generationRef.current !== generation) return;
          if (cell.ok) {
            sessionRef.current = shared;
            dispatch({
              type: "started",
              generation,
              session: shared,
              note: null,
              msgId: (cell.body as { msgId: string }).msgId,
              mainFile: null,
              ran: typed,
            });
            if (followEventsRef.current) follow(shared, generation);
            return;
          }
          if (cell.problem.code !== "NOT_FOUND" && cell.problem.code !== "CONFLICT") {
            dispatch({ type: "problem", problem: cell.problem });
            return;
          }
        }
        const res = await postJson("/api/v1/runs", request);
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
        link?.publish(body.session);
        dispatch({
          type: "started",
          generation,
          session: body.session,
          note: body.note,
          msgId: body.msgId,
          mainFile: body.mainFile,
          ran: typed,
        });
        if (followEventsRef.current) follow(body.session, generation);
      })();
    },
    // The target is read when Run is pressed (targetRef), so the page's typing does not remake Run.
    [closeSession, follow],
  );

  const run = useCallback(() => {
    if (watchRef.current === null) start(startedRef.current ? null : (openingRef.current?.saved ?? null));
  }, [start]);

  // Follow-only: each new run to watch replaces (or, keeping output, follows) the one shown.
  useEffect(() => {
    if (watch === null) return;
    closeSession(false, true);
    flightsRef.current.clear();
    dispatch({ type: "start", saved: null, ownOnly: watch.msgId !== null, keep: keepRef.current, at: null });
    const generation = generationRef.current + 1;
    sessionRef.current = watch.session;
    dispatch({ type: "started", generation, session: watch.session, note: null, msgId: watch.msgId, mainFile: null, ran: null });
    follow(watch.session, generation);
  }, [watch, closeSession, follow]);

  const savedValues = useCallback((): TSavedValues => {
    const { log, values } = stateRef.current;
    const saved: TSavedValues = {};
    for (const x of Object.values(log.interacts)) {
      const v = values[x.id];
      if (v) saved[x.key] = lastingValues(x.spec, v);
    }
    return saved;
  }, []);

  const restart = useCallback(() => {
    const watching = watchRef.current;
    if (watching) watching.restart?.();
    else start(savedValues());
  }, [start, savedValues]);

  // A permalink with values: run at once (the cached page is the same for everyone, so the
  // values are read here, in the browser, never on the server).
  const openedRef = useRef(false);
  useEffect(() => {
    if (openedRef.current) return;
    openedRef.current = true;
    const saved = savedFromSearch(window.location.search);
    if (saved) start(saved);
    else if (openingRef.current?.autoRun) start(openingRef.current.saved);
  }, [start]);

  const runCell = useCallback(async (code: string): Promise<boolean> => {
    const session = sessionRef.current;
    if (!session) return false;
    const generation = generationRef.current;
    const sentAt = Date.now();
    const res = await postJson(`/api/v1/runs/${session}/cells`, { code });
    if (!res.ok) {
      dispatch({ type: "problem", problem: res.problem });
      // The session is gone (idle too long, a limit, closed): say so instead of a box that cannot run.
      if (res.problem.code === "CONFLICT" || res.problem.code === "NOT_FOUND") dispatch({ type: "ended", generation });
      return false;
    }
    dispatch({ type: "cell", generation, msgId: (res.body as { msgId: string }).msgId, code, sentAt });
    return true;
  }, []);

  const stop = useCallback(() => {
    const session = sessionRef.current;
    if (!session) return;
    void postJson(`/api/v1/runs/${session}/interrupt`, {}).then((res) => {
      if (!res.ok) dispatch({ type: "problem", problem: res.problem });
    });
  }, []);

  const send = useCallback((id: string, values: TInteractValues, waiting: TInteractValues[] = []) => {
    const session = sessionRef.current;
    if (!session) return;
    const generation = generationRef.current;
    const flight: TFlight = { msgId: null, waiting };
    flightsRef.current.set(id, flight);
    void postJson(`/api/v1/runs/${session}/interacts`, { interact: id, values }).then((res) => {
      if (generationRef.current !== generation || flightsRef.current.get(id) !== flight) return;
      if (res.ok) {
        flight.msgId = (res.body as { msgId: string }).msgId;
        dispatch({ type: "update", generation, id, msgId: flight.msgId });
        return;
      }
      flightsRef.current.delete(id);
      dispatch({ type: "interactProblem", generation, id, problem: res.problem });
      if (res.problem.code === "CONFLICT" || res.problem.code === "NOT_FOUND") dispatch({ type: "ended", generation });
      else {
        const [next, ...rest] = flight.waiting;
        if (next) send(id, next, rest);
      }
    });
  }, []);

  const keep = useCallback((id: string, values: TInteractValues, byReader: boolean) => {
    const x = stateRef.current.log.interacts[id];
    if (x) dispatch({ type: "values", generation: generationRef.current, id, values: lastingValues(x.spec, values), byReader });
  }, []);

  const push = useCallback(
    (id: string, values: TInteractValues, byReader: boolean) => {
      const { log } = stateRef.current;
      const x = log.interacts[id];
      if (!x || log.dead) return;
      keep(id, values, byReader);
      const flight = flightsRef.current.get(id);
      if (flight) flight.waiting = coalesce(x.spec, flight.waiting, values);
      else send(id, values);
    },
    [keep, send],
  );

  const setInteractValues = useCallback((id: string, values: TInteractValues) => keep(id, values, true), [keep]);
  const updateInteract = useCallback((id: string, values: TInteractValues) => push(id, values, true), [push]);

  // An update finished (its status idle came): the values that waited meanwhile go now.
  useEffect(() => {
    for (const [id, flight] of flightsRef.current) {
      if (flight.msgId === null) continue;
      const live = !state.log.dead && id in state.log.interacts;
      if (live && !state.log.updates[flight.msgId]?.done) continue;
      flightsRef.current.delete(id);
      const [next, ...rest] = flight.waiting;
      if (live && next) send(id, next, rest);
    }
  }, [state.log, send]);

  // Interacts that got saved values (a permalink, Restart) run once with them.
  useEffect(() => {
    if (state.restored.length === 0) return;
    const ids = state.restored;
    dispatch({ type: "restoredSent", generation: state.generation, ids });
    for (const id of ids) {
      const v = state.values[id];
      if (v) push(id, v, false);
    }
  }, [state.restored, state.values, state.generation, push]);

  const assist = useMemo(() => sessionAssist(() => sessionRef.current), []);
  const busy = state.phase === "starting" || state.log.cells.some((c) => !isFinished(c));
  const value = useMemo<TRunContext>(
    () => ({ ...state, target, oid, busy, run, runCell, stop, restart, savedValues, setInteractValues, updateInteract, assist }),
    [state, target, oid, busy, run, runCell, stop, restart, savedValues, setInteractValues, updateInteract, assist],
  );
  return <RunContext.Provider value={value}>{children}</RunContext.Provider>;
}
