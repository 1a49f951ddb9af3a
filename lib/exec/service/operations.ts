/**
 * The service's operations, whatever carries them: the HTTP API (server.ts) and the NATS adapter
 * (nats-host.ts) both parse a request, call these, and send the `{status, body}` they answer,
 * or the `ServiceError` a refusal becomes. One place decides what each operation does and which
 * status and code each refusal gets.
 */
import { z } from "zod";
import {
  ZExecuteHttpRequest,
  ZInteractHttpRequest,
  ZQueryHttpRequest,
  type TCompleteHttpResponse,
  type TInputFile,
  type TInspectHttpResponse,
  type TSharedScope,
} from "@/lib/exec/protocol";
import { AdmissionError, UnknownKernelError, type Registry } from "@/lib/exec/service/registry";
import { SessionEndedError, SessionQueueFullError, type Session } from "@/lib/exec/service/session";

/** A refusal with its HTTP status (NATS replies carry the same status), code and message. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** More fields of the error body. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** Seconds to wait before trying again, when the refusal says so. */
  get retryAfter(): number | undefined {
    const v = this.headers["Retry-After"];
    return v === undefined ? undefined : Number(v);
  }

  body(): { error: Record<string, unknown> } {
    return { error: { ...this.extra, code: this.code, message: this.message } };
  }
}

/** The refusal `e` stands for, or null for an unexpected failure (a 500, logged by the caller). */
export function toServiceError(e: unknown): ServiceError | null {
  if (e instanceof ServiceError) return e;
  if (e instanceof AdmissionError) return new ServiceError(e.status, e.code, e.message, { "Retry-After": String(e.retryAfter) });
  if (e instanceof UnknownKernelError) return new ServiceError(422, "UNKNOWN_KERNEL", e.message, {}, { kernels: e.kernels });
  if (e instanceof SessionEndedError) return new ServiceError(409, "SESSION_ENDED", "This session has ended; start a new one.");
  if (e instanceof SessionQueueFullError) {
    return new ServiceError(429, "QUEUE_FULL", "Too many cells are waiting in this session; wait for them to finish.", { "Retry-After": "1" });
  }
  return null;
}

export const INTERNAL_ERROR = new ServiceError(500, "INTERNAL", "The execution service failed; see its log.");

/** `value` checked by `schema`, else a 400 naming the first bad field. */
export function parseBody<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ServiceError(400, "BAD_REQUEST", `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
}

export type TReply = { status: number; body: unknown };

/** Creates a session with `files`, queuing its first cell when the request has one. */
export async function createSession(
  registry: Registry,
  request: {
    kernel: string;
    files: TInputFile[];
    client: string;
    execute?: z.infer<typeof ZExecuteHttpRequest> | undefined;
    /** The snippet's shared-values scope, kept with the session (none: `shared` refuses). */
    shared?: TSharedScope | null | undefined;
  },
): Promise<{ reply: TReply; session: Session }> {
  const session = await registry.create(request);
  if (!request.execute) return { reply: { status: 201, body: { session: session.id } }, session };
  let msgId: string;
  try {
    msgId = session.execute(request.execute.code, request.execute.filename ?? null, request.execute.timeout);
  } catch (e) {
    void session.end({ reason: "closed" }); // nobody will hear of this session
    throw e;
  }
  return { reply: { status: 201, body: { session: session.id, msg_id: msgId } }, session };
}

/** The session `id`, or a 404. */
export function findSession(registry: Registry, id: string): Session {
  const session = registry.get(id);
  if (!session) throw new ServiceError(404, "NOT_FOUND", "No such session (it may have ended long ago).");
  return session;
}

/**
 * One operation on a session with its JSON body: execute, interact, complete, inspect,
 * interrupt, close or files (the list). Events and file contents stream, so each carrier serves
 * them its own way.
 */
export async function sessionOperation(
  session: Session,
  op: "execute" | "interact" | "complete" | "inspect" | "interrupt" | "close" | "files",
  body: unknown,
): Promise<TReply> {
  switch (op) {
    case "close":
      // Answered once the session is marked ended; its processes are killed at once and its
      // cgroups and directory are cleaned up in the background.
      void session.end({ reason: "closed" });
      return { status: 204, body: null };
    case "execute": {
      const b = parseBody(ZExecuteHttpRequest, body);
      return { status: 202, body: { msg_id: session.execute(b.code, b.filename ?? null, b.timeout) } };
    }
    case "interact": {
      const b = parseBody(ZInteractHttpRequest, body);
      return { status: 202, body: { msg_id: session.updateInteract(b.interact, b.values, b.timeout) } };
    }
    case "complete": {
      const b = parseBody(ZQueryHttpRequest, body);
      const reply = await session.query("complete", b.code, b.cursor_pos);
      const answer: TCompleteHttpResponse = reply
        ? { ...reply, busy: false }
        : { status: "ok", matches: [], cursor_start: b.cursor_pos, cursor_end: b.cursor_pos, metadata: {}, busy: session.state !== "dead" };
      return { status: 200, body: answer };
    }
    case "inspect": {
      const b = parseBody(ZQueryHttpRequest, body);
      const reply = await session.query("inspect", b.code, b.cursor_pos, b.detail_level);
      const answer: TInspectHttpResponse = reply
        ? { ...reply, busy: false }
        : { status: "ok", found: false, data: {}, metadata: {}, busy: session.state !== "dead" };
      return { status: 200, body: answer };
    }
    case "interrupt":
      session.interrupt();
      return { status: 202, body: {} };
    case "files":
      return { status: 200, body: await session.listFiles() };
  }
}
