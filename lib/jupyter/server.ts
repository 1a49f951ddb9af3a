import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { z } from "zod";
import { clientAddress } from "@/lib/auth/client-address";
import { getEnv } from "@/lib/env";
import { AppError, toPublicError } from "@/lib/errors";
import type { TExecClient } from "@/lib/exec/client";
import { readJsonBody } from "@/lib/http/read-json-body";
import { takeStreamSlot } from "@/lib/runs/stream-slots";
import { authenticateToken } from "@/lib/tokens/authenticate-token";
import {
  answer,
  executeCell,
  getKernel,
  interruptKernel,
  kernelModel,
  listKernels,
  restartKernel,
  shutdownKernel,
  startKernel,
  queryKernel,
  type TConnection,
  type TKernel,
  type TOwner,
} from "./kernels";
import {
  MAX_FRAME_BYTES,
  ZClientFrame,
  ZRequestContent,
  closeReason,
  frameProblem,
  isComplete,
  isRequestType,
  kernelInfo,
  kernelMessage,
  type TClientFrame,
} from "./messages";
import { createSession, deleteSession, getSession, listSessions, updateSession } from "./sessions";

/*
 * Jupyter Server's kernel API under /jupyter/ (docs/api.md, "Jupyter kernel API"): the REST
 * routes and the kernel WebSocket, both served from scripts/web-server.ts rather than as Next
 * route handlers. Next bundles its own copy of every lib module, so a registry shared between a
 * route handler and the upgrade handler would have to hide on globalThis; served from one module,
 * the kernels live in one Map that both see. WebSockets: `ws`, the usual Node implementation.
 */

export const JUPYTER_PREFIX = "/jupyter/";

/** Frames a connection may send in one second before it is closed (a client sends a handful). */
const FRAMES_PER_SECOND = 200;

/** The kernel specs the service offers, in Jupyter Server's shape; `default` is python. */
async function kernelSpecs(client: TExecClient): Promise<Record<string, unknown>> {
  let names = ["python"];
  try {
    const [health] = await client.health();
    if (health?.kernels?.length) names = health.kernels;
  } catch {
    // The service is not answering: python is what it always offers; starting one will say it is unavailable.
  }
  const specs: Record<string, unknown> = {};
  for (const name of names) specs[name] = kernelSpec(name);
  return { default: names.includes("python") ? "python" : (names[0] ?? "python"), kernelspecs: specs };
}

function kernelSpec(name: string): Record<string, unknown> {
  const sage = name === "sage";
  const language = sage ? "sage" : name === "python" ? "python" : name;
  const display = sage ? "SageMath (Cellar)" : name === "python" ? "Python 3 (Cellar)" : `${name} (Cellar)`;
  return { name, spec: { display_name: display, language, argv: [], env: {}, metadata: {}, interrupt_mode: "message" }, resources: {} };
}

/** A Jupyter-style JSON error (`message`, `reason`) with our `code`; Retry-After on 429/503. */
function sendError(res: ServerResponse, e: unknown, cors: Record<string, string>): void {
  const err = toPublicError(e);
  const headers: Record<string, string> = { ...cors };
  const retry = err.details?.retryAfter;
  if ((err.status === 429 || err.status === 503) && typeof retry === "number") headers["Retry-After"] = String(retry);
  sendJson(res, err.status, { message: err.message, reason: null, code: err.code }, headers);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = status === 204 ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    ...(status === 204 ? {} : { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) }),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(text);
}

/**
 * Whether a browser page at `origin` may use the API: no Origin (not a browser, or same-origin
 * GET), the site's own origin, or one listed in JUPYTER_ALLOW_ORIGINS.
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (host === req.headers.host) return true;
  if (getEnv().authUrl && new URL(getEnv().authUrl!).origin === origin) return true;
  return allowed.includes(origin);
}

/** CORS headers for an allowed cross-origin caller (none for same-origin or non-browser callers). */
function corsHeaders(req: IncomingMessage, allowed: readonly string[]): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin || !allowed.includes(origin)) return {};
  return {
    "Access-Control-Allow-Origin": origin,
    Vary: "Origin",
    "Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, X-XSRFToken",
    "Access-Control-Max-Age": "600",
  };
}

/** The API token of a request: `Authorization: token <t>` (Jupyter's form) or `Bearer <t>`, else `?token=` (WebSockets cannot send headers from a browser). */
function tokenOf(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^(?:token|Bearer)\s+(\S+)$/i.exec(header.trim());
    if (!m?.[1]) throw new AppError("UNAUTHORIZED", "The Authorization header must be `token <API token>`.");
    return m[1];
  }
  return url.searchParams.get("token") || null;
}

/** Who is asking: the token's user (a bad token is a 401, never anonymous), else the client's address. */
async function ownerOf(req: IncomingMessage, url: URL): Promise<TOwner> {
  const token = tokenOf(req, url);
  const address = clientAddress(req.headers);
  if (token !== null) {
    const user = await authenticateToken({ token });
    if (!user) throw new AppError("UNAUTHORIZED", "The API token is not valid. Create one at /settings/tokens.");
    return { actor: { id: user.id, username: user.username }, address, key: `user:${user.id}` };
  }
  return { actor: null, address, key: address ? `addr:${address}` : "anonymous" };
}

async function readBody(req: IncomingMessage, max: number): Promise<unknown> {
  const body = await readJsonBody(req, max);
  if (body.ok) return body.value;
  if (body.problem === "too-large") throw new AppError("TOO_LARGE", `The request body is larger than ${max / 1024} KB.`);
  throw new AppError("BAD_REQUEST", "The request body must be JSON.");
}

const ZStartBody = z.object({
  name: z
    .string({ error: "name must be a kernel name." })
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, "name must be a kernel name, e.g. python.")
    .optional(),
});

const KERNEL_ID = "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";
const ROUTES = {
  api: /^\/jupyter\/api\/?$/,
  specs: /^\/jupyter\/api\/kernelspecs\/?$/,
  spec: /^\/jupyter\/api\/kernelspecs\/([a-z][a-z0-9_-]{0,31})\/?$/,
  kernels: /^\/jupyter\/api\/kernels\/?$/,
  kernel: new RegExp(`^/jupyter/api/kernels/${KERNEL_ID}/?$`),
  action: new RegExp(`^/jupyter/api/kernels/${KERNEL_ID}/(interrupt|restart)/?$`),
  channels: new RegExp(`^/jupyter/api/kernels/${KERNEL_ID}/channels/?$`),
  anyKernel: /^\/jupyter\/api\/kernels\/([^/]+)/,
  sessions: /^\/jupyter\/api\/sessions\/?$/,
  session: /^\/jupyter\/api\/sessions\/([^/]{1,100})\/?$/,
};

const ZSessionKernel = z.object({
  id: z.string().max(100).nullish(),
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, "kernel.name must be a kernel name, e.g. python.")
    .nullish(),
});
const ZSessionBody = z.object({
  path: z.string().max(1024).nullish(),
  name: z.string().max(1024).nullish(),
  type: z.string().max(100).nullish(),
  kernel: ZSessionKernel.nullish(),
});

/** A JSON body parsed with `schema`; a bad field is a 422 naming it. */
async function parseBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const body = schema.safeParse(await readBody(req, 64 * 1024));
  if (!body.success) {
    const issue = body.error.issues[0];
    throw new AppError("INVALID", `${issue?.path.length ? `${issue.path.join(".")}: ` : ""}${issue?.message ?? "invalid body"}`);
  }
  return body.data;
}

/** The Jupyter API of one web server process: `handleRequest` for /jupyter/ requests, `handleUpgrade` for its WebSockets. */
export function createJupyterApi(o: { client: () => TExecClient }) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    // Jupyter's JSON protocol without a subprotocol: refusing the `v1.kernel.websocket.jupyter.org`
    // that clients offer first makes them speak it (ws would otherwise accept the first offered).
    handleProtocols: () => false,
  });

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, cors: Record<string, string>): Promise<void> {
    const method = req.method ?? "GET";
    const path = url.pathname;
    const client = o.client();
    const json = (status: number, body: unknown) => sendJson(res, status, body, cors);
    let m: RegExpExecArray | null;
    if (ROUTES.api.test(path) && method === "GET") return json(200, { version: "2.14.0" });
    if (ROUTES.specs.test(path) && method === "GET") return json(200, await kernelSpecs(client));
    if ((m = ROUTES.spec.exec(path)) && method === "GET") {
      const specs = (await kernelSpecs(client)).kernelspecs as Record<string, unknown>;
      const spec = specs[m[1]!];
      if (!spec) throw new AppError("NOT_FOUND", `Kernel spec ${m[1]} not found.`);
      return json(200, spec);
    }
    const owner = await ownerOf(req, url);
    if (ROUTES.kernels.test(path)) {
      if (method === "GET") return json(200, listKernels(owner).map(kernelModel));
      if (method === "POST") {
        const body = await parseBody(req, ZStartBody);
        const k = await startKernel({ name: body.name ?? "python", owner, client });
        res.setHeader("Location", `/jupyter/api/kernels/${k.id}`);
        return json(201, kernelModel(k));
      }
      throw methodNotAllowed(method);
    }
    if ((m = ROUTES.kernel.exec(path))) {
      const k = getKernel(m[1]!, owner);
      if (method === "GET") return json(200, kernelModel(k));
      if (method === "DELETE") {
        await shutdownKernel(k, client);
        return json(204, null);
      }
      throw methodNotAllowed(method);
    }
    if ((m = ROUTES.action.exec(path))) {
      if (method !== "POST") throw methodNotAllowed(method);
      const k = getKernel(m[1]!, owner);
      if (m[2] === "interrupt") {
        await interruptKernel(k, client);
        return json(204, null);
      }
      await restartKernel(k, client);
      return json(200, kernelModel(k));
    }
    if (ROUTES.sessions.test(path)) {
      if (method === "GET") return json(200, listSessions(owner));
      if (method === "POST") {
        const b = await parseBody(req, ZSessionBody);
        const kernel = { id: b.kernel?.id ?? undefined, name: b.kernel?.name ?? undefined };
        return json(201, await createSession({ owner, path: b.path ?? "", name: b.name ?? "", type: b.type ?? "notebook", kernel, client }));
      }
      throw methodNotAllowed(method);
    }
    if ((m = ROUTES.session.exec(path))) {
      const id = decodeURIComponent(m[1]!);
      if (method === "GET") return json(200, getSession(id, owner));
      if (method === "PATCH") {
        const b = await parseBody(req, ZSessionBody);
        const kernel = b.kernel ? { id: b.kernel.id ?? undefined, name: b.kernel.name ?? undefined } : undefined;
        return json(200, await updateSession({ id, owner, path: b.path ?? undefined, name: b.name ?? undefined, type: b.type ?? undefined, kernel, client }));
      }
      if (method === "DELETE") {
        await deleteSession({ id, owner, client });
        return json(204, null);
      }
      throw methodNotAllowed(method);
    }
    if ((m = ROUTES.anyKernel.exec(path))) throw new AppError("NOT_FOUND", `Kernel does not exist: ${m[1]}`);
    throw new AppError("NOT_FOUND", `No Jupyter API at ${path}.`);
  }

  /** Answers a request under /jupyter/. */
  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const allowed = getEnv().jupyterAllowOrigins;
    const cors = corsHeaders(req, allowed);
    try {
      if (!originAllowed(req, allowed)) {
        req.resume();
        throw new AppError("FORBIDDEN", `Pages at ${req.headers.origin} may not use this Jupyter API (the site's JUPYTER_ALLOW_ORIGINS does not list them).`);
      }
      if (req.method === "OPTIONS") return sendJson(res, 204, null, cors);
      await route(req, res, new URL(req.url ?? "/", "http://localhost"), cors);
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, e, cors);
    }
  }

  /** Refuses an upgrade with an HTTP status and a JSON reason. */
  function refuseUpgrade(socket: Duplex, e: unknown): void {
    const err = toPublicError(e);
    const body = JSON.stringify({ message: err.message, reason: null, code: err.code });
    socket.end(
      `HTTP/1.1 ${err.status} ${err.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  /** Takes a WebSocket upgrade for a kernel's channels; anything else under /jupyter/ is refused. */
  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", () => socket.destroy());
    let release: (() => void) | undefined;
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (!originAllowed(req, getEnv().jupyterAllowOrigins)) {
        throw new AppError("FORBIDDEN", `Pages at ${req.headers.origin} may not use this Jupyter API (the site's JUPYTER_ALLOW_ORIGINS does not list them).`);
      }
      const m = ROUTES.channels.exec(url.pathname);
      const any = ROUTES.anyKernel.exec(url.pathname);
      if (!m) throw new AppError("NOT_FOUND", any ? `Kernel does not exist: ${any[1]}` : `No WebSocket at ${url.pathname}.`);
      const owner = await ownerOf(req, url);
      const k = getKernel(m[1]!, owner);
      release = takeStreamSlot(owner);
      const done = release;
      // Given back when the connection goes, however it goes: a handshake that ws refuses (400)
      // never reaches attach. Calling it twice gives back one slot.
      socket.once("close", done);
      wss.handleUpgrade(req, socket, head, (ws) => attach(k, ws, done));
    } catch (e) {
      release?.();
      refuseUpgrade(socket, e);
    }
  }

  /** Serves one client's WebSocket of kernel `k`. */
  function attach(k: TKernel, ws: WebSocket, release: () => void): void {
    if (k.ended) {
      ws.close(4004, closeReason(`kernel ended: ${k.ended}`));
      release();
      return;
    }
    const conn: TConnection = {
      send: (message) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
      },
      close: (code, reason) => ws.close(code, closeReason(reason)),
    };
    k.connections.add(conn);
    let windowStart = Date.now();
    let frames = 0;
    ws.on("message", (data, isBinary) => {
      if (Date.now() - windowStart >= 1000) {
        windowStart = Date.now();
        frames = 0;
      }
      if (++frames > FRAMES_PER_SECOND) return ws.close(1008, "too many messages");
      if (isBinary) return ws.close(1003, "binary frames are not supported: send JSON text frames");
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        return ws.close(1007, "malformed message: not JSON");
      }
      const frame = ZClientFrame.safeParse(raw);
      if (!frame.success) return ws.close(1007, frameProblem(frame.error));
      handleFrame(k, conn, frame.data, ws).catch((e: unknown) => {
        console.error(`Jupyter kernel ${k.id}: a ${frame.data.header.msg_type} failed`, e);
      });
    });
    // A frame ws itself refuses (over maxPayload, bad UTF-8): ws has already sent the close
    // frame with its status (1009, 1007). Terminating here could drop that frame before it is
    // flushed (the client then saw 1006); ws ends the socket after the close handshake, or
    // after its close timeout, and destroys it itself on a socket error.
    ws.on("error", () => undefined);
    ws.on("close", () => {
      k.connections.delete(conn);
      release();
    });
  }

  /** Acts on one valid frame. */
  async function handleFrame(k: TKernel, conn: TConnection, frame: TClientFrame, ws: WebSocket): Promise<void> {
    const type = frame.header.msg_type;
    if (frame.channel === "stdin" || !isRequestType(type)) return; // input_reply, comm messages, ...: nothing of ours waits for them
    const parsed = ZRequestContent[type].safeParse(frame.content);
    if (!parsed.success) return ws.close(1007, frameProblem(new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: ["content", ...i.path] })))));
    if (k.ended) return;
    const channel = frame.channel === "control" ? "control" : "shell";
    const header = frame.header;
    const client = o.client();
    switch (type) {
      case "execute_request": {
        const c = ZRequestContent.execute_request.parse(frame.content);
        return executeCell(k, conn, header, { code: c.code, silent: c.silent, storeHistory: c.store_history }, client);
      }
      case "kernel_info_request":
        return answer(k, conn, header, channel, "kernel_info_reply", kernelInfo(k.name));
      case "is_complete_request": {
        const c = ZRequestContent.is_complete_request.parse(frame.content);
        return answer(k, conn, header, channel, "is_complete_reply", isComplete(c.code));
      }
      case "complete_request": {
        const c = ZRequestContent.complete_request.parse(frame.content);
        const content = await queryKernel(k, { op: "complete", code: c.code, cursor: c.cursor_pos, detail: 0 }, client);
        return answer(k, conn, header, channel, "complete_reply", content);
      }
      case "inspect_request": {
        const c = ZRequestContent.inspect_request.parse(frame.content);
        const detail = c.detail_level === 1 ? 1 : 0;
        const content = await queryKernel(k, { op: "inspect", code: c.code, cursor: c.cursor_pos, detail }, client);
        return answer(k, conn, header, channel, "inspect_reply", content);
      }
      case "history_request":
        return answer(k, conn, header, channel, "history_reply", { status: "ok", history: [] });
      case "comm_info_request":
        return answer(k, conn, header, channel, "comm_info_reply", { status: "ok", comms: {} });
      case "interrupt_request": {
        try {
          await interruptKernel(k, client);
          conn.send(reply(k, header, channel, "interrupt_reply", { status: "ok" }));
        } catch (e) {
          const err = toPublicError(e);
          conn.send(reply(k, header, channel, "interrupt_reply", { status: "error", ename: "InterruptFailed", evalue: err.message, traceback: [] }));
        }
        return;
      }
      case "shutdown_request": {
        const c = ZRequestContent.shutdown_request.parse(frame.content);
        conn.send(reply(k, header, channel, "shutdown_reply", { status: "ok", restart: c.restart }));
        if (c.restart) await restartKernel(k, client).catch((e: unknown) => console.error(`Jupyter kernel ${k.id}: restart failed`, e));
        else await shutdownKernel(k, client);
        return;
      }
    }
  }

  return { handleRequest, handleUpgrade, close: () => wss.close() };
}

/** A reply the kernel makes itself, on `channel`, to the request `parent`. */
function reply(k: TKernel, parent: TClientFrame["header"], channel: "shell" | "control", type: string, content: Record<string, unknown>) {
  return kernelMessage({ channel, type, session: k.kernelSession, parent, content });
}

function methodNotAllowed(method: string): AppError {
  return new AppError("BAD_REQUEST", `${method} is not allowed here.`);
}
