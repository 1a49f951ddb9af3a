import { z } from "zod";

/*
 * What a run looks like in the page: its cells, each with its outputs, built from the Jupyter
 * messages the stream delivers. Pure (no server-only): the Run panel imports it, and the
 * integration tests read streams with it.
 */

export const ZMimeBundle = z.record(z.string(), z.unknown());

export const ZRunMessage = z.object({
  header: z.object({ msg_id: z.string(), msg_type: z.string(), date: z.string().optional() }),
  parent_header: z.object({ msg_id: z.string().optional() }).loose(),
  content: z.record(z.string(), z.unknown()),
});
export type TRunMessage = z.infer<typeof ZRunMessage>;

const ZStream = z.object({ name: z.enum(["stdout", "stderr"]), text: z.string() });
const ZDisplay = z.object({ data: ZMimeBundle, metadata: z.record(z.string(), z.unknown()).optional() });
const ZResult = ZDisplay.extend({ execution_count: z.number().int().nullable().optional() });
const ZError = z.object({ ename: z.string(), evalue: z.string(), traceback: z.array(z.string()).optional() });
const ZReply = z.object({ status: z.enum(["ok", "error", "aborted"]), execution_count: z.number().int().nullable().optional() });
const ZStatus = z.object({ execution_state: z.enum(["busy", "idle", "starting", "dead"]) });

export type TMimeBundle = Record<string, unknown>;

export type TRunOutput =
  | { kind: "stream"; name: "stdout" | "stderr"; text: string }
  | { kind: "display"; data: TMimeBundle }
  | { kind: "result"; count: number | null; data: TMimeBundle }
  | { kind: "error"; ename: string; evalue: string; traceback: string[] }
  /** A limit the service enforced, said in plain words ("stopped: used more than 512 MB of memory"). */
  | { kind: "limit"; text: string };

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

export type TRunLog = {
  cells: TRunCell[];
  /** Highest seq applied: a reconnect asks for what comes after it, and repeats are dropped. */
  lastSeq: number;
  /** The session ended (idle, a limit, or closed): no more cells can run in it. */
  dead: boolean;
};

export const EMPTY_LOG: TRunLog = { cells: [], lastSeq: -1, dead: false };

/** Adds a cell the page just sent (or names one whose messages arrived before the reply). */
export function addCell(log: TRunLog, cell: { msgId: string; code: string | null; file: string | null }): TRunLog {
  if (log.cells.some((c) => c.msgId === cell.msgId)) return updateCell(log, cell.msgId, (c) => ({ ...c, code: cell.code, file: cell.file }));
  return { ...log, cells: [...log.cells, newCell(cell.msgId, cell)] };
}

/**
 * Applies one message of the stream. Messages at or below `lastSeq` were seen already (a
 * reconnect may repeat the last one) and change nothing. Malformed content is dropped.
 */
export function applyMessage(log: TRunLog, seq: number, message: TRunMessage, received: number): TRunLog {
  if (seq <= log.lastSeq) return log;
  // The message's own time: messages that arrive together (a page that connects late, a
  // reconnect) still time their cell right. The receiving time when it has none.
  const stamped = message.header.date ? Date.parse(message.header.date) : NaN;
  const now = Number.isFinite(stamped) ? stamped : received;
  const next = { ...log, lastSeq: seq };
  const type = message.header.msg_type;
  const c = message.content;
  if (type === "status") {
    const s = ZStatus.safeParse(c);
    if (!s.success) return next;
    if (s.data.execution_state === "dead") return endLog(next, now);
  }
  const parent = message.parent_header.msg_id;
  if (!parent) return next;
  const withCell = next.cells.some((x) => x.msgId === parent) ? next : { ...next, cells: [...next.cells, newCell(parent, { code: null, file: null })] };
  return updateCell(withCell, parent, (cell) => applyToCell(cell, type, c, now));
}

function applyToCell(cell: TRunCell, type: string, c: Record<string, unknown>, now: number): TRunCell {
  switch (type) {
    case "status": {
      const s = ZStatus.safeParse(c);
      if (!s.success) return cell;
      if (s.data.execution_state === "busy") return { ...cell, state: isFinished(cell) ? cell.state : "running", startedAt: cell.startedAt ?? now };
      if (s.data.execution_state === "idle") return { ...cell, state: cell.state === "running" || cell.state === "queued" ? "ok" : cell.state, endedAt: cell.endedAt ?? now };
      return cell;
    }
    case "stream": {
      const s = ZStream.safeParse(c);
      return s.success ? { ...cell, outputs: appendStream(cell.outputs, s.data.name, s.data.text) } : cell;
    }
    case "display_data": {
      const d = ZDisplay.safeParse(c);
      return d.success ? { ...cell, outputs: [...cell.outputs, { kind: "display", data: d.data.data }] } : cell;
    }
    case "execute_result": {
      const r = ZResult.safeParse(c);
      return r.success ? { ...cell, count: r.data.execution_count ?? cell.count, outputs: [...cell.outputs, { kind: "result", count: r.data.execution_count ?? null, data: r.data.data }] } : cell;
    }
    case "error": {
      const e = ZError.safeParse(c);
      if (!e.success) return cell;
      const output: TRunOutput =
        e.data.ename === "LimitExceeded" ? { kind: "limit", text: e.data.evalue } : { kind: "error", ename: e.data.ename, evalue: e.data.evalue, traceback: e.data.traceback ?? [] };
      return { ...cell, state: "error", outputs: [...cell.outputs, output] };
    }
    case "execute_reply": {
      const r = ZReply.safeParse(c);
      if (!r.success) return cell;
      return { ...cell, state: r.data.status, count: r.data.execution_count ?? cell.count, endedAt: cell.endedAt ?? now };
    }
    default:
      return cell;
  }
}

/** The session ended: no more messages come, so unfinished cells end as aborted. */
export function endLog(log: TRunLog, now: number = Date.now()): TRunLog {
  return { ...log, dead: true, cells: log.cells.map((cell) => (isFinished(cell) ? cell : { ...cell, state: "aborted", endedAt: cell.endedAt ?? now })) };
}

/** Whether a cell has finished (its reply came, or the session ended under it). */
export function isFinished(cell: TRunCell): boolean {
  return cell.state === "ok" || cell.state === "error" || cell.state === "aborted";
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
