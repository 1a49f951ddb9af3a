/**
 * The service's HTTP API (docs/exec.md section 3) on node:http: JSON in and out, Server-Sent
 * Events with resume by `after` / `Last-Event-ID`, errors as `{"error": {"code", "message"}}`
 * (an unknown kernel also lists the service's `kernels`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { z } from "zod";
import {
  ZCreateSessionRequest,
  ZExecuteHttpRequest,
  ZInteractHttpRequest,
  ZQueryHttpRequest,
  type TCompleteHttpResponse,
  type THealth,
  type TInspectHttpResponse,
  isDeadStatus,
} from "@/lib/exec/protocol";
import { readJsonBody } from "@/lib/http/read-json-body";
import { AdmissionError, UnknownKernelError, type Registry } from "@/lib/exec/service/registry";
import { SessionEndedError, SessionQueueFullError } from "@/lib/exec/service/session";

/** Bodies larger than this are refused (a snippet is at most 5 MB, ~6.7 MB as base64). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** SSE comment lines keep idle connections (and proxies) from timing out. */
const HEARTBEAT_MS = 15_000;

class HttpError extends Error {
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
}

export type TServerDeps = {
  registry: Registry;
  health: () => THealth;
  log: (line: string) => void;
};

/** The HTTP server of the service (not yet listening). */
export function createExecServer(deps: TServerDeps): Server {
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((e: unknown) => {
      const err =
        e instanceof HttpError
          ? e
          : e instanceof AdmissionError
            ? new HttpError(e.status, e.code, e.message, { "Retry-After": String(e.retryAfter) })
            : e instanceof UnknownKernelError
              ? new HttpError(422, "UNKNOWN_KERNEL", e.message, {}, { kernels: e.kernels })
              : e instanceof SessionEndedError
                ? new HttpError(409, "SESSION_ENDED", "This session has ended; start a new one.")
                : e instanceof SessionQueueFullError
                  ? new HttpError(429, "QUEUE_FULL", "Too many cells are waiting in this session; wait for them to finish.", { "Retry-After": "1" })
                  : null;
      if (!err) deps.log(`${req.method} ${req.url}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      const { status, code, message, headers, extra } = err ?? new HttpError(500, "INTERNAL", "The execution service failed; see its log.");
      if (res.headersSent) return void res.destroy();
      sendJson(res, status, { error: { ...extra, code, message } }, headers);
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

async function handle(deps: TServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://service");
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? "GET";

  if (parts.length === 1 && parts[0] === "health" && method === "GET") return sendJson(res, 200, deps.health());
  if (parts[0] !== "sessions") throw new HttpError(404, "NOT_FOUND", `no route ${method} ${url.pathname}`);

  if (parts.length === 1) {
    if (method !== "POST") throw methodNotAllowed(method, url.pathname);
    const body = parseBody(ZCreateSessionRequest, await readJson(req));
    const session = await deps.registry.create(body);
    if (!body.execute) return sendJson(res, 201, { session: session.id });
    let msgId: string;
    try {
      msgId = session.execute(body.execute.code, body.execute.filename ?? null, body.execute.timeout);
    } catch (e) {
      void session.end({ reason: "closed" }); // nobody will hear of this session
      throw e;
    }
    return sendJson(res, 201, { session: session.id, msg_id: msgId });
  }

  const id = parts[1]!;
  const session = deps.registry.get(id);
  if (!session) throw new HttpError(404, "NOT_FOUND", "No such session (it may have ended long ago).");
  const action = parts[2];

  if (action === undefined) {
    if (method !== "DELETE") throw methodNotAllowed(method, url.pathname);
    // Answered once the session is marked ended; its processes are killed at once and its
    // cgroups and directory are cleaned up in the background.
    void session.end({ reason: "closed" });
    res.writeHead(204).end();
    return;
  }
  if (action === "execute" && parts.length === 3) {
    if (method !== "POST") throw methodNotAllowed(method, url.pathname);
    const body = parseBody(ZExecuteHttpRequest, await readJson(req));
    const msgId = session.execute(body.code, body.filename ?? null, body.timeout);
    return sendJson(res, 202, { msg_id: msgId });
  }
  if (action === "interact" && parts.length === 3) {
    if (method !== "POST") throw methodNotAllowed(method, url.pathname);
    const body = parseBody(ZInteractHttpRequest, await readJson(req));
    const msgId = session.updateInteract(body.interact, body.values, body.timeout);
    return sendJson(res, 202, { msg_id: msgId });
  }
  if ((action === "complete" || action === "inspect") && parts.length === 3) {
    if (method !== "POST") throw methodNotAllowed(method, url.pathname);
    const body = parseBody(ZQueryHttpRequest, await readJson(req));
    if (action === "complete") {
      const reply = await session.query("complete", body.code, body.cursor_pos);
      const answer: TCompleteHttpResponse = reply
        ? { ...reply, busy: false }
        : { status: "ok", matches: [], cursor_start: body.cursor_pos, cursor_end: body.cursor_pos, metadata: {}, busy: session.state !== "dead" };
      return sendJson(res, 200, answer);
    }
    const reply = await session.query("inspect", body.code, body.cursor_pos, body.detail_level);
    const answer: TInspectHttpResponse = reply
      ? { ...reply, busy: false }
      : { status: "ok", found: false, data: {}, metadata: {}, busy: session.state !== "dead" };
    return sendJson(res, 200, answer);
  }
  if (action === "interrupt" && parts.length === 3) {
    if (method !== "POST") throw methodNotAllowed(method, url.pathname);
    session.interrupt();
    res.writeHead(202, { "Content-Type": "application/json" }).end("{}");
    return;
  }
  if (action === "events" && parts.length === 3) {
    if (method !== "GET") throw methodNotAllowed(method, url.pathname);
    const raw = url.searchParams.get("after") ?? req.headers["last-event-id"] ?? "0";
    const after = Number(raw);
    if (!Number.isInteger(after) || after < 0) throw new HttpError(400, "BAD_REQUEST", `after must be a whole number (got "${raw}")`);
    return streamEvents(session, after, req, res);
  }
  if (action === "files" && method === "GET") {
    if (parts.length === 3) return sendJson(res, 200, await session.listFiles());
    const name = parts.slice(3).join("/");
    const file = await session.openFile(name);
    if (!file) throw new HttpError(404, "NOT_FOUND", `no file "${name}" in this session`);
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(file.size) });
    const stream = file.handle.createReadStream({ end: Math.max(0, file.size - 1) });
    stream.on("error", () => res.destroy());
    if (file.size === 0) {
      await file.handle.close();
      res.end();
      return;
    }
    stream.pipe(res);
    return;
  }
  throw new HttpError(404, "NOT_FOUND", `no route ${method} ${url.pathname}`);
}

function streamEvents(session: ReturnType<Registry["get"]> & object, after: number, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  res.flushHeaders();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearInterval(heartbeat);
    unsubscribe?.();
    res.end();
  };
  const heartbeat = setInterval(() => res.write(": ping\n\n"), HEARTBEAT_MS);
  let unsubscribe: (() => void) | undefined;
  // A cell's messages come in bursts (busy, output, reply, idle, dead within a tick): corked until
  // the tick ends, a burst leaves in one write(2) instead of one per event.
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
  };
  unsubscribe = session.subscribe(after, (event) => {
    if (done) return;
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(uncork);
    }
    res.write(`id: ${event.seq}\ndata: ${JSON.stringify(event.message)}\n\n`);
    // The final `dead` status ends the stream: nothing can follow it.
    if (isDeadStatus(event.message)) {
      setImmediate(finish);
    }
  });
  if (session.state === "dead") finish();
  req.on("close", finish);
}

function methodNotAllowed(method: string, pathname: string): HttpError {
  return new HttpError(405, "METHOD_NOT_ALLOWED", `${method} is not allowed on ${pathname}`);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readJsonBody(req, MAX_BODY_BYTES);
  if (body.ok) return body.value;
  if (body.problem === "too-large") throw new HttpError(413, "TOO_LARGE", `the request body is larger than ${MAX_BODY_BYTES} bytes`);
  throw new HttpError(400, "BAD_REQUEST", "the request body is not JSON");
}

function parseBody<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new HttpError(400, "BAD_REQUEST", `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
}
