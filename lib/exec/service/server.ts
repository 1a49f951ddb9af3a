/**
 * The service's HTTP API (docs/exec.md section 3) on node:http: JSON in and out, Server-Sent
 * Events with resume by `after` / `Last-Event-ID`, errors as `{"error": {"code", "message"}}`
 * (an unknown kernel also lists the service's `kernels`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ZCreateSessionRequest, isDeadStatus, type THealth } from "@/lib/exec/protocol";
import { readJsonBody } from "@/lib/http/read-json-body";
import {
  createSession,
  findSession,
  INTERNAL_ERROR,
  parseBody,
  ServiceError,
  sessionOperation,
  toServiceError,
  type TReply,
} from "@/lib/exec/service/operations";
import type { Registry } from "@/lib/exec/service/registry";

/** Bodies larger than this are refused (a snippet is at most 5 MB, ~6.7 MB as base64). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** SSE comment lines keep idle connections (and proxies) from timing out. */
const HEARTBEAT_MS = 15_000;

export type TServerDeps = {
  registry: Registry;
  health: () => THealth;
  log: (line: string) => void;
};

/** The HTTP server of the service (not yet listening). */
export function createExecServer(deps: TServerDeps): Server {
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((e: unknown) => {
      const err = toServiceError(e);
      if (!err) deps.log(`${req.method} ${req.url}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      const refusal = err ?? INTERNAL_ERROR;
      if (res.headersSent) return void res.destroy();
      sendJson(res, refusal.status, refusal.body(), refusal.headers);
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
  if (parts[0] !== "sessions") throw new ServiceError(404, "NOT_FOUND", `no route ${method} ${url.pathname}`);

  if (parts.length === 1) {
    if (method !== "POST") throw methodNotAllowed(method, url.pathname);
    const { reply } = await createSession(deps.registry, parseBody(ZCreateSessionRequest, await readJson(req)));
    return sendReply(res, reply);
  }

  const session = findSession(deps.registry, parts[1]!);
  const action = parts[2];

  if (action === undefined) {
    if (method !== "DELETE") throw methodNotAllowed(method, url.pathname);
    return sendReply(res, await sessionOperation(session, "close", null));
  }
  if ((action === "execute" || action === "interact" || action === "complete" || action === "inspect" || action === "interrupt") && parts.length === 3) {
    if (method !== "POST") throw methodNotAllowed(method, url.pathname);
    return sendReply(res, await sessionOperation(session, action, action === "interrupt" ? null : await readJson(req)));
  }
  if (action === "events" && parts.length === 3) {
    if (method !== "GET") throw methodNotAllowed(method, url.pathname);
    const raw = url.searchParams.get("after") ?? req.headers["last-event-id"] ?? "0";
    const after = Number(raw);
    if (!Number.isInteger(after) || after < 0) throw new ServiceError(400, "BAD_REQUEST", `after must be a whole number (got "${raw}")`);
    return streamEvents(session, after, req, res);
  }
  if (action === "files" && method === "GET") {
    if (parts.length === 3) return sendReply(res, await sessionOperation(session, "files", null));
    const name = parts.slice(3).join("/");
    const file = await session.openFile(name);
    if (!file) throw new ServiceError(404, "NOT_FOUND", `no file "${name}" in this session`);
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
  throw new ServiceError(404, "NOT_FOUND", `no route ${method} ${url.pathname}`);
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

function methodNotAllowed(method: string, pathname: string): ServiceError {
  return new ServiceError(405, "METHOD_NOT_ALLOWED", `${method} is not allowed on ${pathname}`);
}

function sendReply(res: ServerResponse, reply: TReply): void {
  if (reply.body === null) return void res.writeHead(reply.status).end();
  sendJson(res, reply.status, reply.body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readJsonBody(req, MAX_BODY_BYTES);
  if (body.ok) return body.value;
  if (body.problem === "too-large") throw new ServiceError(413, "TOO_LARGE", `the request body is larger than ${MAX_BODY_BYTES} bytes`);
  throw new ServiceError(400, "BAD_REQUEST", "the request body is not JSON");
}
