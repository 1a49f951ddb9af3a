import { z } from "zod";
import "@/lib/zod-no-eval";
import { JOB_MIME, isMsgType, type TJupyterMessage } from "@/lib/exec/protocol";

/*
 * What a run looks like in the page: its cells, each with its outputs, built from the Jupyter
 * messages the stream delivers, and its live interacts (docs: /tmp spec, issue 4): each with
 * the output of its latest run, wherever the message that made it came from. Pure (no
 * server-only): the Run panel imports it, and the integration tests read streams with it.
 */

// The messages themselves (their envelope and each msg_type's content) are lib/exec/protocol's.
const ZEnd = z.object({
  reason: z.string().catch("unknown"),
  seconds: z.number().positive().nullable().optional().catch(null),
  message: z.string().max(500).optional().catch(undefined),
  /** With reason "lost": what went away, the session's execution host or the service (run-events.ts). */
  lost: z.enum(["host", "service"]).optional().catch(undefined),
});

/** The MIME type of an interact's description (a `display_data` the kernel sends when one is made). */
export const INTERACT_MIME = "application/vnd.cellar.interact+json";

const ZJobProgress = z.object({
  job: z.string().max(64),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  state: z.enum(["running", "done", "cancelled", "stopped"]).catch("running"),
});

const ZName = z.string().min(1).max(200);
const ZLabel = z.string().max(1000).catch("");
const ZCount = z.number().int().min(1).max(100).nullable().optional().catch(null);
const ZValues = z.array(z.string()).min(1).max(10_000);
const ZSlider = z.object({
  type: z.literal("slider"),
  name: ZName,
  label: ZLabel,
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().positive().optional(),
  /** A slider over a list: its labels; the wire value is an index. */
  values: ZValues.optional(),
  default: z.number(),
  display_value: z.boolean().catch(true),
  /** false: the value goes to the kernel when the reader lets go of the thumb, not while it moves (ipywidgets' continuous_update). */
  continuous_update: z.boolean().optional().catch(undefined),
});
/** A range slider may come as a "slider" whose default is a pair (the spec's "like slider"): read both. */
function rangeSliderType(control: unknown): unknown {
  if (typeof control !== "object" || control === null) return control;
  const c = control as Record<string, unknown>;
  return c.type === "slider" && Array.isArray(c.default) ? { ...c, type: "range_slider" } : control;
}
const ZControlUnion = z.discriminatedUnion("type", [
  ZSlider,
  ZSlider.extend({ type: z.literal("range_slider"), default: z.tuple([z.number(), z.number()]) }),
  z.object({ type: z.literal("input_box"), name: ZName, label: ZLabel, default: z.string(), width: ZCount, height: z.number().int().min(1).max(100).catch(1) }),
  z.object({
    type: z.literal("input_grid"),
    name: ZName,
    label: ZLabel,
    rows: z.number().int().min(1).max(50),
    cols: z.number().int().min(1).max(50),
    default: z.array(z.array(z.string())),
    width: ZCount,
  }),
  z.object({ type: z.literal("checkbox"), name: ZName, label: ZLabel, default: z.boolean() }),
  z.object({
    type: z.literal("selector"),
    name: ZName,
    label: ZLabel,
    values: ZValues,
    default: z.number().int().min(0),
    style: z.enum(["dropdown", "radio", "buttons"]).catch("dropdown"),
    nrows: ZCount,
    ncols: ZCount,
  }),
  z.object({
    type: z.literal("color"),
    name: ZName,
    label: ZLabel,
    default: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .catch("#000000"),
  }),
  z.object({ type: z.literal("text"), name: ZName, label: ZLabel, text: z.string() }),
  z.object({ type: z.literal("button"), name: ZName, label: ZLabel, text: z.string(), default: z.literal(false).catch(false) }),
  z.object({ type: z.literal("button_bar"), name: ZName, label: ZLabel, values: ZValues, nrows: ZCount, ncols: ZCount, default: z.null().catch(null) }),
]);
export const ZInteractControl = z.preprocess(rangeSliderType, ZControlUnion);
export type TInteractControl = z.infer<typeof ZControlUnion>;

const ZRows = z.array(z.array(z.string())).catch([]);
export const ZInteractSpec = z.object({
  version: z.literal(1),
  id: z.string().min(1).max(64),
  name: z.string().catch("f"),
  auto_update: z.boolean().catch(true),
  controls: z.array(ZInteractControl).max(200),
  layout: z.object({ top: ZRows, bottom: ZRows, left: ZRows, right: ZRows }).catch({ top: [], bottom: [], left: [], right: [] }),
});
export type TInteractSpec = z.infer<typeof ZInteractSpec>;

export type TMimeBundle = Record<string, unknown>;

export type TRunOutput =
  | { kind: "stream"; name: "stdout" | "stderr"; text: string }
  | { kind: "display"; data: TMimeBundle }
  | { kind: "result"; count: number | null; data: TMimeBundle }
  | { kind: "error"; ename: string; evalue: string; traceback: string[] }
  /** A limit the service enforced, said in plain words ("stopped: used more than 512 MB of memory"). */
  | { kind: "limit"; text: string }
  /** Where an interact was made: its controls and output area (`interacts[id]` of the log). */
  | { kind: "interact"; id: string }
  /** A scatter job's progress (one per job: its latest state). */
  | { kind: "job"; job: string; done: number; failed: number; total: number; state: "running" | "done" | "cancelled" | "stopped" };

export type TCellState = "queued" | "running" | "ok" | "error" | "aborted";

export type TRunCell = {
  msgId: string;
  /** What the reader typed, or null for the snippet's file (then `file` names it). */
  code: string | null;
  file: string | null;
  state: TCellState;
  count: number | null;
  outputs: TRunOutput[];
  /** When the cell started and ended (ms; the service's clock when messages carry it), for "Done in 0.4 s". */
  startedAt: number | null;
  endedAt: number | null;
};

/** A live interact: its description and the output of its latest run. */
export type TInteract = {
  id: string;
  spec: TInteractSpec;
  /**
   * Stable across runs, for permalinks and Restart: top-level interacts are "1", "2", ... in
   * order of appearance; nested ones "<parent key>.<n>" (the nth made by the parent's latest run).
   */
  key: string;
  /** The interact whose function made this one, or null for one made by a cell. */
  parent: string | null;
  outputs: TRunOutput[];
  /** The update in flight (its msgId, once the site answered), until its `status` idle arrives. */
  pending: string | null;
  /**
   * The update whose output `outputs` holds (null: the first run's). The previous output stays
   * until the next update's first output replaces it, so a plot is swapped, never blanked.
   */
  shown: string | null;
};

/** An update's messages never make cells: they belong to `interact` (null until the site's answer names it). */
export type TUpdate = { interact: string | null; done: boolean };

/** Why the session ended, from the final `dead` status ("idle", "lifetime", "closed", ...); seconds for idle and lifetime. */
/** `message`: the site's words for a `lost` end (the service restarted, or the execution host stopped). */
export type TRunEnd = { reason: string; seconds: number | null; message?: string; lost?: "host" | "service" };

export type TRunLog = {
  cells: TRunCell[];
  /** Highest seq applied: a reconnect asks for what comes after it, and repeats are dropped. */
  lastSeq: number;
  /** The session ended (idle, a limit, or closed): no more cells can run in it. */
  dead: boolean;
  /** Set when the ending said why (the stream closing alone does not). */
  end: TRunEnd | null;
  /** Live interacts by id; those made by a run that has since been replaced are gone. */
  interacts: Record<string, TInteract>;
  updates: Record<string, TUpdate>;
  /** Top-level interacts seen so far: the next one's key. */
  topLevel: number;
};

export const EMPTY_LOG: TRunLog = { cells: [], lastSeq: -1, dead: false, end: null, interacts: {}, updates: {}, topLevel: 0 };

/** Adds a cell the page just sent (or names one whose messages arrived before the reply). */
export function addCell(log: TRunLog, cell: { msgId: string; code: string | null; file: string | null }): TRunLog {
  if (log.cells.some((c) => c.msgId === cell.msgId)) return updateCell(log, cell.msgId, (c) => ({ ...c, code: cell.code, file: cell.file }));
  return { ...log, cells: [...log.cells, newCell(cell.msgId, cell)] };
}

/**
 * Names the update the site accepted for `interact` (`msgId`, from its answer). Its messages
 * may have come first: they were kept apart already, and if it finished without output, its
 * end clears the interact's output now.
 */
export function beginUpdate(log: TRunLog, interact: string, msgId: string): TRunLog {
  const seen = log.updates[msgId];
  const next = { ...log, updates: { ...log.updates, [msgId]: { interact, done: seen?.done ?? false } } };
  const x = next.interacts[interact];
  if (!x || log.dead) return next;
  if (seen?.done) return x.shown === msgId ? next : withInteract(next, { ...x, shown: msgId, outputs: [] });
  return withInteract(next, { ...x, pending: msgId });
}

/**
 * Applies one message of the stream (parsed with lib/exec/protocol's `ZJupyterMessage`: the page
 * drops what does not parse). Messages at or below `lastSeq` were seen already (a reconnect may
 * repeat the last one) and change nothing.
 */
export function applyMessage(log: TRunLog, seq: number, message: TJupyterMessage, received: number): TRunLog {
  if (seq <= log.lastSeq) return log;
  // The message's own time: messages that arrive together (a page that connects late, a
  // reconnect) still time their cell right. The receiving time when it has none.
  const stamped = message.header.date ? Date.parse(message.header.date) : NaN;
  const now = Number.isFinite(stamped) ? stamped : received;
  const next = { ...log, lastSeq: seq };
  if (isMsgType(message, "status") && message.content.execution_state === "dead") {
    const end = ZEnd.safeParse(message.metadata);
    return endLog(
      next,
      now,
      end.success && message.metadata.reason !== undefined
        ? {
            reason: end.data.reason,
            seconds: end.data.seconds ?? null,
            ...(end.data.message ? { message: end.data.message } : {}),
            ...(end.data.lost ? { lost: end.data.lost } : {}),
          }
        : null,
    );
  }
  const parent = message.parent_header.msg_id;
  if (!parent) return next;
  const tag = message.metadata.interact;
  const tagged = typeof tag === "string" ? next.interacts[tag] : undefined;
  const spec = interactSpecOf(message);
  const output: TRunOutput | null = spec ? { kind: "interact", id: spec.id } : toOutput(message);
  if (parent in next.updates || message.parent_header.msg_type === "interact_request")
    return applyToUpdate(next, parent, message, tagged ?? null, output, spec);
  if (tagged && output) return appendToInteract(next, tagged, null, output, spec);
  const withCell = next.cells.some((x) => x.msgId === parent) ? next : { ...next, cells: [...next.cells, newCell(parent, { code: null, file: null })] };
  const registered = spec ? addInteract(withCell, spec, null, String(withCell.topLevel + 1)) : withCell;
  const counted = spec ? { ...registered, topLevel: registered.topLevel + 1 } : registered;
  return updateCell(counted, parent, (cell) => applyToCell(cell, message, output, now));
}

/**
 * Whether a message of a session shared by several panels (linked embedded cells) belongs to
 * this log: one of its cells, an update of one of its interacts, or the session's own status
 * (no parent). The others are other panels' cells.
 */
export function isOwnMessage(log: TRunLog, message: TJupyterMessage): boolean {
  const parent = message.parent_header.msg_id;
  if (!parent) return true;
  if (log.cells.some((c) => c.msgId === parent) || parent in log.updates) return true;
  // An update's messages may come before the site's answer names it: they carry their interact.
  if (message.parent_header.msg_type === "interact_request") {
    const tag = message.metadata.interact;
    return typeof tag !== "string" || tag in log.interacts;
  }
  return false;
}

/** A message of an update: its output goes to the interact that made it; its end frees the interact for the next update. */
function applyToUpdate(
  log: TRunLog,
  msgId: string,
  message: TJupyterMessage,
  tagged: TInteract | null,
  output: TRunOutput | null,
  spec: TInteractSpec | null,
): TRunLog {
  const update = log.updates[msgId] ?? { interact: null, done: false };
  const withUpdate = log.updates[msgId] ? log : { ...log, updates: { ...log.updates, [msgId]: update } };
  const owner = update.interact !== null ? withUpdate.interacts[update.interact] : undefined;
  if (output) {
    // Untagged output (a service error, a session that died) belongs to the interact the update is for.
    const target = tagged ?? owner;
    return target ? appendToInteract(withUpdate, target, msgId, output, spec) : withUpdate;
  }
  if (!isMsgType(message, "status") || message.content.execution_state !== "idle") return withUpdate;
  const done = { ...withUpdate, updates: { ...withUpdate.updates, [msgId]: { ...update, done: true } } };
  if (!owner) return done;
  const pending = owner.pending === msgId ? null : owner.pending;
  // An update that showed nothing replaces the previous output with nothing.
  return owner.shown === msgId
    ? withInteract(done, { ...owner, pending })
    : withInteract(forget(done, owner.outputs), { ...owner, pending, shown: msgId, outputs: [] });
}

/**
 * Adds an output to an interact's area. The first output of an update replaces what the
 * previous run showed (and forgets the interacts that run made); `update` is null for the run
 * at decoration time, which only adds. A description makes a nested interact.
 */
function appendToInteract(log: TRunLog, x: TInteract, update: string | null, output: TRunOutput, spec: TInteractSpec | null): TRunLog {
  const replacing = update !== null && x.shown !== update;
  const base = replacing ? forget(log, x.outputs) : log;
  const previous = replacing ? [] : x.outputs;
  const outputs =
    output.kind === "stream" ? appendStream(previous, output.name, output.text) : output.kind === "job" ? replaceJob(previous, output) : [...previous, output];
  const withOutput = withInteract(base, { ...x, outputs, shown: replacing ? update : x.shown });
  if (!spec) return withOutput;
  const nth = outputs.filter((o) => o.kind === "interact").length;
  return addInteract(withOutput, spec, x.id, `${x.key}.${nth}`);
}

function addInteract(log: TRunLog, spec: TInteractSpec, parent: string | null, key: string): TRunLog {
  return withInteract(log, { id: spec.id, spec, key, parent, outputs: [], pending: null, shown: null });
}

/** Drops the interacts described in `outputs` (a run's output being replaced) and everything they made. */
function forget(log: TRunLog, outputs: TRunOutput[]): TRunLog {
  const gone = new Set(outputs.flatMap((o) => (o.kind === "interact" ? [o.id] : [])));
  if (gone.size === 0) return log;
  // And their descendants, however deep.
  let grew = true;
  while (grew) {
    grew = false;
    for (const x of Object.values(log.interacts)) {
      if (!gone.has(x.id) && x.parent !== null && gone.has(x.parent)) {
        gone.add(x.id);
        grew = true;
      }
    }
  }
  return { ...log, interacts: Object.fromEntries(Object.entries(log.interacts).filter(([id]) => !gone.has(id))) };
}

function withInteract(log: TRunLog, x: TInteract): TRunLog {
  return { ...log, interacts: { ...log.interacts, [x.id]: x } };
}

/** The interact description in a `display_data`, if it is one the page can show. */
function interactSpecOf(message: TJupyterMessage): TInteractSpec | null {
  if (!isMsgType(message, "display_data") || !(INTERACT_MIME in message.content.data)) return null;
  const spec = ZInteractSpec.safeParse(message.content.data[INTERACT_MIME]);
  return spec.success ? spec.data : null;
}

/** What a message shows, or null when it shows nothing (status, replies). */
function toOutput(message: TJupyterMessage): TRunOutput | null {
  if (isMsgType(message, "stream")) return { kind: "stream", name: message.content.name, text: message.content.text };
  if (isMsgType(message, "display_data")) {
    const data = message.content.data;
    if (JOB_MIME in data) {
      const job = ZJobProgress.safeParse(data[JOB_MIME]);
      if (job.success) return { kind: "job", ...job.data };
    }
    // A description the page cannot read still has its text/plain ("Interactive function f with controls a").
    return { kind: "display", data };
  }
  if (isMsgType(message, "execute_result")) return { kind: "result", count: message.content.execution_count, data: message.content.data };
  if (isMsgType(message, "error")) {
    const e = message.content;
    return e.ename === "LimitExceeded" ? { kind: "limit", text: e.evalue } : { kind: "error", ename: e.ename, evalue: e.evalue, traceback: e.traceback };
  }
  return null;
}

function applyToCell(cell: TRunCell, message: TJupyterMessage, output: TRunOutput | null, now: number): TRunCell {
  if (output) {
    const outputs =
      output.kind === "stream"
        ? appendStream(cell.outputs, output.name, output.text)
        : output.kind === "job"
          ? replaceJob(cell.outputs, output)
          : [...cell.outputs, output];
    const count = output.kind === "result" ? (output.count ?? cell.count) : cell.count;
    return { ...cell, outputs, count, state: output.kind === "error" || output.kind === "limit" ? "error" : cell.state };
  }
  if (isMsgType(message, "status")) {
    const state = message.content.execution_state;
    if (state === "busy") return { ...cell, state: isFinished(cell) ? cell.state : "running", startedAt: cell.startedAt ?? now };
    if (state === "idle") return { ...cell, state: cell.state === "running" || cell.state === "queued" ? "ok" : cell.state, endedAt: cell.endedAt ?? now };
    return cell;
  }
  if (isMsgType(message, "execute_reply")) {
    const r = message.content;
    return { ...cell, state: r.status, count: r.execution_count ?? cell.count, endedAt: cell.endedAt ?? now };
  }
  return cell;
}

/** The session ended: no more messages come, so unfinished cells end as aborted and no update is in flight. */
export function endLog(log: TRunLog, now: number = Date.now(), end: TRunEnd | null = null): TRunLog {
  const interacts = Object.fromEntries(Object.entries(log.interacts).map(([id, x]) => [id, x.pending === null ? x : { ...x, pending: null }]));
  return {
    ...log,
    dead: true,
    end: end ?? log.end,
    interacts,
    cells: log.cells.map((cell) => (isFinished(cell) ? cell : { ...cell, state: "aborted", endedAt: cell.endedAt ?? now })),
  };
}

/** Whether a cell has finished (its reply came, or the session ended under it). */
export function isFinished(cell: TRunCell): boolean {
  return cell.state === "ok" || cell.state === "error" || cell.state === "aborted";
}

/** A job's progress replaces its earlier progress where that was shown. */
function replaceJob(outputs: TRunOutput[], job: Extract<TRunOutput, { kind: "job" }>): TRunOutput[] {
  const i = outputs.findIndex((o) => o.kind === "job" && o.job === job.job);
  return i < 0 ? [...outputs, job] : outputs.map((o, j) => (j === i ? job : o));
}

/** Output arrives in small chunks; consecutive chunks of one stream read as one block. */
function appendStream(outputs: TRunOutput[], name: "stdout" | "stderr", text: string): TRunOutput[] {
  const last = outputs[outputs.length - 1];
  if (last?.kind === "stream" && last.name === name) return [...outputs.slice(0, -1), { ...last, text: last.text + text }];
  return [...outputs, { kind: "stream", name, text }];
}

function newCell(msgId: string, cell: { code: string | null; file: string | null }): TRunCell {
  return { msgId, code: cell.code, file: cell.file, state: "queued", count: null, outputs: [], startedAt: null, endedAt: null };
}

function updateCell(log: TRunLog, msgId: string, f: (c: TRunCell) => TRunCell): TRunLog {
  return { ...log, cells: log.cells.map((c) => (c.msgId === msgId ? f(c) : c)) };
}
