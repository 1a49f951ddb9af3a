import "server-only";
import { randomUUID } from "node:crypto";
import { AppError } from "@/lib/errors";
import type { TExecClient } from "@/lib/exec/client";
import { isDeadStatus, isMsgType, type TSessionEvent } from "@/lib/exec/protocol";
import { fromCreationError, fromExecError } from "@/lib/runs/exec-client";
import { MAX_CELL_CHARS } from "@/lib/runs/run-cell";
import { serviceClientKey, spendBudget, type TRunner } from "@/lib/runs/run-client-key";
import { kernelMessage, type TClientHeader, type TOutgoing } from "./messages";

/*
 * The Jupyter kernels of this web server process: each is ONE session of the execution service
 * (the same sessions, limits, idle timeout and per-client caps as Run on the site), known to
 * Jupyter clients by a random UUID. The REST API and the kernel WebSockets are served by the same
 * module of scripts/web-server.ts, so this one map is the only registry.
 */

/** Who owns a kernel: the token's user, else the client's address (anonymous). */
export type TOwner = TRunner & { key: string };

/** A WebSocket attached to a kernel: where its iopub messages and its own replies go. */
export type TConnection = { send: (message: TOutgoing) => void; close: (code: number, reason: string) => void };

/** What the kernel remembers of a request the service is running: the client's header, to parent the replies on. */
type TPending = {
  header: TClientHeader;
  conn: TConnection;
  count: number;
  inputSent: boolean;
  code: string;
  silent: boolean;
  lastError: Record<string, unknown> | null;
};

export type TKernel = {
  id: string;
  name: string;
  owner: TOwner;
  /** The execution service's session, replaced on restart. */
  session: string;
  /** The session id on the kernel's messages (Jupyter clients drop messages of an older one after a restart). */
  kernelSession: string;
  state: "starting" | "idle" | "busy" | "dead";
  lastActivity: Date;
  connections: Set<TConnection>;
  executionCount: number;
  /** Requests by the service's msg_id. */
  pending: Map<string, TPending>;
  /** Executions whose msg_id the service has not answered yet: their events wait in `held`. */
  submitting: number;
  held: TSessionEvent[];
  pump: AbortController;
  /** Why the kernel is gone, once it is. */
  ended: string | null;
};

const kernels = new Map<string, TKernel>();

/** A 404 in Jupyter's words, for an id that is unknown, another user's, or of a kernel that has ended. */
export function kernelNotFound(id: string): AppError {
  return new AppError("NOT_FOUND", `Kernel does not exist: ${id}`);
}

/** The kernel `id` if `owner` may use it: a user's kernel only by that user; an anonymous one by whoever knows its (random) id. */
export function getKernel(id: string, owner: TOwner): TKernel {
  const k = kernels.get(id);
  if (!k || k.ended || (k.owner.actor && k.owner.key !== owner.key)) throw kernelNotFound(id);
  return k;
}

/** Whether kernel `id` still lives (whoever owns it). */
export function kernelAlive(id: string): boolean {
  const k = kernels.get(id);
  return k !== undefined && !k.ended;
}

/** The kernels `owner` started (a client sees only its own; ids are capabilities). */
export function listKernels(owner: TOwner): TKernel[] {
  return [...kernels.values()].filter((k) => !k.ended && k.owner.key === owner.key);
}

/** Jupyter Server's kernel model. */
export function kernelModel(k: TKernel): Record<string, unknown> {
  return { id: k.id, name: k.name, last_activity: k.lastActivity.toISOString(), execution_state: k.state, connections: k.connections.size };
}

/** Starts a kernel `name`: one session of the service, counted against `owner` (the Run budget and the service's per-client cap). */
export async function startKernel(o: { name: string; owner: TOwner; client: TExecClient }): Promise<TKernel> {
  await spendBudget(o.owner);
  let session: string;
  try {
    ({ session } = await o.client.createSession({ files: [], client: serviceClientKey(o.owner), kernel: o.name }));
  } catch (e) {
    throw await fromCreationError(e, o.owner, o.name);
  }
  const k: TKernel = {
    id: randomUUID(),
    name: o.name,
    owner: o.owner,
    session,
    kernelSession: randomUUID(),
    state: "idle",
    lastActivity: new Date(),
    connections: new Set(),
    executionCount: 0,
    pending: new Map(),
    submitting: 0,
    held: [],
    pump: new AbortController(),
    ended: null,
  };
  kernels.set(k.id, k);
  void pump(k, o.client);
  return k;
}

/** Ends a kernel and its session. */
export async function shutdownKernel(k: TKernel, client: TExecClient): Promise<void> {
  end(k, "shut down");
  await client.close({ session: k.session }).catch(() => undefined);
}

/** Interrupts the running cell (KeyboardInterrupt in it). */
export async function interruptKernel(k: TKernel, client: TExecClient): Promise<void> {
  try {
    await client.interrupt({ session: k.session });
  } catch (e) {
    throw fromExecError(e);
  }
}

/**
 * Restarts a kernel: a fresh session (a new Run, from the owner's budget) under the same id; the
 * old one is closed. Connected clients are disconnected so that they reconnect to the new one,
 * as Jupyter clients do after a restart.
 */
export async function restartKernel(k: TKernel, client: TExecClient): Promise<void> {
  await spendBudget(k.owner);
  let session: string;
  try {
    ({ session } = await client.createSession({ files: [], client: serviceClientKey(k.owner), kernel: k.name }));
  } catch (e) {
    throw await fromCreationError(e, k.owner, k.name);
  }
  if (k.ended) {
    // Shut down meanwhile: the new session has nobody.
    await client.close({ session }).catch(() => undefined);
    throw kernelNotFound(k.id);
  }
  const old = k.session;
  k.pump.abort();
  k.pump = new AbortController();
  k.session = session;
  k.kernelSession = randomUUID();
  k.state = "idle";
  k.executionCount = 0;
  k.pending.clear();
  k.held = [];
  k.lastActivity = new Date();
  for (const c of k.connections) c.close(1012, "kernel restarted");
  k.connections.clear();
  void pump(k, client);
  await client.close({ session: old }).catch(() => undefined);
}

/** Sends `message` to every connection of the kernel (iopub). */
function broadcast(k: TKernel, message: TOutgoing): void {
  for (const c of k.connections) c.send(message);
}

/** A reply (and its iopub) for a request the kernel answers itself, wrapped in busy/idle as a kernel does. */
export function answer(
  k: TKernel,
  conn: TConnection,
  request: TClientHeader,
  channel: "shell" | "control",
  type: string,
  content: Record<string, unknown>,
): void {
  const status = (execution_state: string) =>
    kernelMessage({ channel: "iopub", type: "status", session: k.kernelSession, parent: request, content: { execution_state } });
  broadcast(k, status("busy"));
  conn.send(kernelMessage({ channel, type, session: k.kernelSession, parent: request, content }));
  broadcast(k, status(k.state === "busy" ? "busy" : "idle"));
}

/**
 * A `complete_request` or `inspect_request` of a client, answered from the kernel's session
 * (docs/exec.md, "Completion and help"): the cursor is in code points, as the service counts.
 * While a cell runs the service answers at once with nothing (Jupyter would queue the request
 * behind the cell; an editor's Tab wants an answer now). Over the budget (the interact updates'
 * one, a Tab being as frequent), past the size limit or when the service fails: an empty reply.
 */
export async function queryKernel(
  k: TKernel,
  o: { op: "complete" | "inspect"; code: string; cursor: number; detail: 0 | 1 },
  client: TExecClient,
): Promise<Record<string, unknown>> {
  const empty =
    o.op === "complete"
      ? { status: "ok", matches: [], cursor_start: o.cursor, cursor_end: o.cursor, metadata: {} }
      : { status: "ok", found: false, data: {}, metadata: {} };
  if (o.code.length > MAX_CELL_CHARS || o.cursor > [...o.code].length) return empty;
  k.lastActivity = new Date();
  try {
    await spendBudget(k.owner, "interact");
    if (o.op === "complete") {
      const { busy: _busy, ...content } = await client.complete({ session: k.session, code: o.code, cursor_pos: o.cursor });
      return content;
    }
    const { busy: _busy, ...content } = await client.inspect({ session: k.session, code: o.code, cursor_pos: o.cursor, detail_level: o.detail });
    return content;
  } catch (e) {
    const err = fromExecError(e);
    if (!(err instanceof AppError)) console.error(`Jupyter kernel ${k.id}: a ${o.op}_request failed`, e);
    return empty;
  }
}

/**
 * Executes a cell for a client's `execute_request`: the outputs come back through the kernel's
 * event pump, parented on `request`. A cell past the size limit or over the Run budget is
 * answered with an error at once.
 */
export async function executeCell(
  k: TKernel,
  conn: TConnection,
  request: TClientHeader,
  o: { code: string; silent: boolean; storeHistory: boolean },
  client: TExecClient,
): Promise<void> {
  k.lastActivity = new Date();
  const count = o.silent || !o.storeHistory ? k.executionCount : ++k.executionCount;
  const refuse = (ename: string, evalue: string) => {
    const msg = (channel: TOutgoing["channel"], type: string, content: Record<string, unknown>) =>
      kernelMessage({ channel, type, session: k.kernelSession, parent: request, content });
    const error = { ename, evalue, traceback: [`${ename}: ${evalue}`] };
    broadcast(k, msg("iopub", "status", { execution_state: "busy" }));
    broadcast(k, msg("iopub", "error", error));
    conn.send(msg("shell", "execute_reply", { status: "error", execution_count: count, ...error }));
    broadcast(k, msg("iopub", "status", { execution_state: k.state === "busy" ? "busy" : "idle" }));
  };
  if (o.code.length > MAX_CELL_CHARS) return refuse("CellTooLarge", `A cell may hold at most ${MAX_CELL_CHARS.toLocaleString("en")} characters.`);
  k.submitting++;
  try {
    await spendBudget(k.owner);
    const { msg_id } = await client.execute({ session: k.session, code: o.code, filename: null });
    k.pending.set(msg_id, { header: request, conn, count, inputSent: false, code: o.code, silent: o.silent, lastError: null });
  } catch (e) {
    const err = fromExecError(e);
    if (err instanceof AppError) refuse(err.code === "RATE_LIMITED" ? "RateLimited" : "ExecutionUnavailable", err.message);
    else {
      console.error(`Jupyter kernel ${k.id}: an execute_request failed`, e);
      refuse("ExecutionUnavailable", "The cell could not be sent to the execution service.");
    }
  } finally {
    k.submitting--;
    if (k.submitting === 0) for (const event of k.held.splice(0)) relay(k, event);
  }
}

/** Follows the session's messages for as long as it lives, relaying them to the kernel's clients. */
async function pump(k: TKernel, client: TExecClient): Promise<void> {
  const signal = k.pump.signal;
  const session = k.session;
  let reason = "the execution service's stream ended";
  try {
    for await (const event of client.events({ session, signal })) {
      const m = event.message;
      if (isDeadStatus(m)) {
        const why = typeof m.metadata.reason === "string" ? m.metadata.reason : "ended";
        reason = DEAD_REASONS[why] ?? `its session ended (${why})`;
        break;
      }
      if (k.submitting > 0) k.held.push(event);
      else relay(k, event);
    }
  } catch (e) {
    if (signal.aborted) return;
    console.error(`Jupyter kernel ${k.id}: the execution service's stream broke off`, e);
  }
  if (signal.aborted || k.session !== session) return;
  end(k, reason);
}

const DEAD_REASONS: Record<string, string> = {
  idle: "it sat idle too long",
  lifetime: "it reached the longest time a session may live",
  closed: "it was shut down",
  limit: "a cell hit a limit that ends the session",
  exited: "its process exited",
  shutdown: "the execution service shut down",
  failed: "its process failed",
};

/** Marks the kernel dead, tells its clients why (status dead, then a close naming the reason), and forgets it. */
function end(k: TKernel, reason: string): void {
  if (k.ended) return;
  k.ended = reason;
  k.state = "dead";
  k.pump.abort();
  kernels.delete(k.id);
  broadcast(
    k,
    kernelMessage({ channel: "iopub", type: "status", session: k.kernelSession, parent: null, content: { execution_state: "dead" }, metadata: { reason } }),
  );
  for (const c of k.connections) c.close(4004, `kernel ended: ${reason}`.slice(0, 120));
  k.connections.clear();
}

/** One message of the session, in Jupyter's form, to the clients: iopub to all, the execute_reply to the requester. */
function relay(k: TKernel, event: TSessionEvent): void {
  const m = event.message;
  const parentId = m.parent_header.msg_id;
  const p = parentId === undefined ? undefined : k.pending.get(parentId);
  const send = (channel: TOutgoing["channel"], msgType: string, body: Record<string, unknown>, to?: TConnection) => {
    const out = kernelMessage({ channel, type: msgType, session: k.kernelSession, parent: p?.header ?? null, content: body, metadata: m.metadata });
    if (to) to.send(out);
    else broadcast(k, out);
  };
  if (isMsgType(m, "status")) {
    const state = m.content.execution_state;
    if (state === "busy" || state === "idle") k.state = state;
    send("iopub", "status", { ...m.content });
    if (p && state === "busy" && !p.inputSent && !p.silent) {
      p.inputSent = true;
      send("iopub", "execute_input", { code: p.code, execution_count: p.count });
    }
    if (p && state === "idle" && parentId) k.pending.delete(parentId);
    k.lastActivity = new Date();
    return;
  }
  if (isMsgType(m, "execute_reply")) {
    const content = m.content;
    const reply: Record<string, unknown> = { ...content, execution_count: p?.count ?? content.execution_count ?? null, user_expressions: {}, payload: [] };
    // Our runner calls an interrupted cell "aborted" (with its KeyboardInterrupt error); Jupyter kernels call it an error.
    if ((content.status === "error" || content.status === "aborted") && p?.lastError) Object.assign(reply, { status: "error" }, p.lastError);
    if (p) send("shell", "execute_reply", reply, p.conn);
    return;
  }
  if (isMsgType(m, "error") && p) p.lastError = { ename: m.content.ename, evalue: m.content.evalue, traceback: m.content.traceback };
  if (isMsgType(m, "execute_result")) send("iopub", "execute_result", { ...m.content, execution_count: p ? p.count : m.content.execution_count });
  else send("iopub", m.header.msg_type, { ...m.content });
}

/** Ends every kernel (the server is stopping). */
export async function shutdownAll(client: TExecClient): Promise<void> {
  await Promise.all([...kernels.values()].map((k) => shutdownKernel(k, client)));
}
