"use client";

import type { TJupyterMessage } from "@/lib/exec/protocol";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { EMPTY_LOG, addCell, applyMessage, beginUpdate, type TRunLog } from "@/lib/runs/run-log";
import { frameKey, staticGrid } from "@/lib/interacts/static-grid";
import { lastingValues, type TInteractValues, type TSavedValues } from "@/components/interact/interact-values";
import type { TEditorAssist } from "@/components/editor-assist";
import { sessionAssist } from "./session-assist";
import { RunContext, RunProvider, type TRunContext, type TSnippetTarget } from "./run-context";
import type { TRunProblem } from "./run-api";

/** A revision's precomputed run as the page gets it (lib/interacts/get-static-run.ts). */
export type TStaticRunData = {
  rev: string;
  cell: { msgId: string; file: string };
  messages: TJupyterMessage[];
  interacts: { id: string; name: string; frames: number }[];
};

type TFrame = { msgId: string; messages: TJupyterMessage[] };

/** No session: the editor says "Run once…". */
const NO_ASSIST: TEditorAssist = sessionAssist(() => null);

function baseLog(data: TStaticRunData): TRunLog {
  let log = addCell(EMPTY_LOG, { msgId: data.cell.msgId, code: null, file: data.cell.file });
  data.messages.forEach((m, i) => (log = applyMessage(log, i, m, 0)));
  return log;
}

const problem = (message: string): TRunProblem => ({ code: "NOT_PRECOMPUTED", message, retryAfter: null });

/**
 * The snippet's run as its owner precomputed it (static interacts, lib/interacts): the main
 * file's output is there at once, and the precomputed interacts' controls show stored frames, with
 * no session (so it works when every runner is busy). "Run live" (or Run, or Restart) switches
 * to a live RunProvider that starts a session and gives the interacts the values the reader set.
 * A page opened with `?values=` (an interact's permalink) goes live at once.
 */
export function PrecomputedRunProvider({ target, oid, data, children }: { target: TSnippetTarget; oid: string; data: TStaticRunData; children: ReactNode }) {
  const [live, setLive] = useState<{ saved: TSavedValues | null; run: boolean } | null>(null);
  useEffect(() => {
    if (new URLSearchParams(window.location.search).has("values")) setLive({ saved: null, run: false });
  }, []);
  if (live) {
    return (
      <RunProvider target={target} oid={oid} opening={live.run ? { saved: live.saved, autoRun: true } : null}>
        {children}
      </RunProvider>
    );
  }
  return (
    <StaticPlayer target={target} oid={oid} data={data} goLive={(saved) => setLive({ saved, run: true })}>
      {children}
    </StaticPlayer>
  );
}

function StaticPlayer({
  target,
  oid,
  data,
  goLive,
  children,
}: {
  target: TSnippetTarget;
  oid: string;
  data: TStaticRunData;
  goLive: (saved: TSavedValues) => void;
  children: ReactNode;
}) {
  const [log, setLog] = useState(() => baseLog(data));
  const [values, setValues] = useState<Record<string, TInteractValues>>({});
  const [problems, setProblems] = useState<Record<string, TRunProblem>>({});
  const logRef = useRef(log);
  logRef.current = log;
  const valuesRef = useRef(values);
  valuesRef.current = values;
  const frames = useRef(new Map<string, Promise<TFrame | null>>());
  /** The latest request per interact: a slow frame never replaces a newer one. */
  const latest = useRef(new Map<string, number>());
  const counter = useRef(0);
  const playable = useMemo(() => new Set(data.interacts.map((x) => x.id)), [data.interacts]);

  const fetchFrame = useCallback(
    (interact: string, key: string): Promise<TFrame | null> => {
      const id = `${interact} ${key}`;
      let p = frames.current.get(id);
      if (!p) {
        const url = `/api/v1/snippets/${encodeURIComponent(target.owner)}/${encodeURIComponent(target.slug)}/static/${data.rev}/frame?interact=${encodeURIComponent(interact)}&key=${encodeURIComponent(key)}`;
        p = fetch(url).then(
          async (res) => (res.ok ? ((await res.json()) as TFrame) : null),
          () => null,
        );
        frames.current.set(id, p);
        void p.then((f) => f ?? frames.current.delete(id));
      }
      return p;
    },
    [target.owner, target.slug, data.rev],
  );

  const updateInteract = useCallback(
    (id: string, next: TInteractValues) => {
      setValues((v) => ({ ...v, [id]: next }));
      const x = logRef.current.interacts[id];
      const grid = x && playable.has(id) ? staticGrid(x.spec) : null;
      const key = grid ? frameKey(grid, next) : null;
      if (key === null) {
        setProblems((p) => ({ ...p, [id]: problem("These values were not precomputed: press Run live to run them.") }));
        return;
      }
      const ticket = ++counter.current;
      latest.current.set(id, ticket);
      void fetchFrame(id, key).then((frame) => {
        if (latest.current.get(id) !== ticket) return;
        if (!frame) {
          setProblems((p) => ({ ...p, [id]: problem("This precomputed result could not be loaded: press Run live to run it.") }));
          return;
        }
        setProblems((p) => {
          const { [id]: _gone, ...rest } = p;
          return rest;
        });
        // A fresh id each time a frame is shown, so showing one again is a new update of the log.
        const msgId = `${frame.msgId}~${ticket}`;
        setLog((current) => {
          let next = beginUpdate(current, id, msgId);
          for (const m of frame.messages) {
            const renamed = m.parent_header.msg_id === frame.msgId ? { ...m, parent_header: { ...m.parent_header, msg_id: msgId } } : m;
            next = applyMessage(next, next.lastSeq + 1, renamed, Date.now());
          }
          return next;
        });
      });
    },
    [fetchFrame, playable],
  );

  const savedValues = useCallback((): TSavedValues => {
    const saved: TSavedValues = {};
    for (const x of Object.values(logRef.current.interacts)) {
      const v = valuesRef.current[x.id];
      if (v) saved[x.key] = lastingValues(x.spec, v);
    }
    return saved;
  }, []);

  const live = useCallback(() => goLive(savedValues()), [goLive, savedValues]);

  const value = useMemo<TRunContext>(
    () => ({
      phase: "open",
      session: null,
      note: null,
      problem: null,
      log,
      files: [],
      generation: 0,
      pressedAt: null,
      clocks: {},
      ran: null,
      values,
      saved: null,
      restored: [],
      everRestored: [],
      interactProblems: problems,
      ownOnly: false,
      history: [],
      target,
      oid,
      busy: false,
      precomputed: { goLive: live },
      run: live,
      runCell: async () => false,
      stop: () => undefined,
      restart: live,
      savedValues,
      setInteractValues: (id, v) => setValues((all) => ({ ...all, [id]: v })),
      updateInteract,
      assist: NO_ASSIST,
    }),
    [log, values, problems, target, oid, live, savedValues, updateInteract],
  );
  return <RunContext.Provider value={value}>{children}</RunContext.Provider>;
}
