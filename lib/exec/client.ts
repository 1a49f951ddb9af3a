/**
 * The site's client of the execution layer (docs/exec.md section 4). `execClient()` picks how
 * the site reaches its hosts from the settings (lib/exec/config.ts): without NATS_URL, the one
 * embedded service over HTTP at EXEC_URL (`createExecClient`, this file); with it, any number
 * of hosts through NATS (`createNatsExecClient`, nats-client.ts). Both have the same operations
 * (`TExecClient`); every answer of a service is parsed with the schemas of lib/exec/protocol.ts.
 */
import http, { type IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { z } from "zod";
import {
  ZCompleteHttpResponse,
  ZCreateSessionResponse,
  ZErrorBody,
  ZExecuteHttpResponse,
  ZFileList,
  ZHealth,
  ZInspectHttpResponse,
  ZJupyterMessage,
  type TCompleteHttpResponse,
  type TFileEntry,
  type THealth,
  type TInspectHttpResponse,
  type TSessionEvent,
  type TSharedScope,
} from "@/lib/exec/protocol";
import { execConfig } from "@/lib/exec/config";
import { ExecError } from "@/lib/exec/exec-error";
import { createNatsExecClient } from "@/lib/exec/nats-client";
import { runToCompletion, type TRunResult, type TRunToCompletionInput } from "@/lib/exec/run-to-completion";

export { ExecError };
export type { TRunResult, TRunStatus } from "@/lib/exec/run-to-completion";

/** A file for a session's working directory. */
export type TClientFile = { path: string; content: Uint8Array | string };

/** An execution host as `GET /api/v1/exec/hosts` lists it (no address). */
export type TExecHostInfo = {
  id: string;
  kernels: string[];
  /** Sessions it may hold, and room for new ones now. */
  capacity: number;
  free: number;
  sessions: number;
  /** Its last heartbeat (ISO 8601; the embedded host: now, when it answered). */
  lastHeartbeat: string;
};

/** A response body, whole. */
async function readBody(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** What `createSession` takes (see TExecClient). */
export type TCreateSessionInput = {
  files: TClientFile[];
  tree?: string | undefined;
  client: string;
  kernel?: string;
  execute?: { code: string; filename?: string | null; timeout?: number | undefined };
  /** The snippet's shared-values scope (lib/shared/resolve-shared-scope.ts); none: `shared` refuses in the session. */
  shared?: TSharedScope | null | undefined;
};
/** A new session, its first cell's msg_id (with `execute`), and the execution host that took it. */
export type TCreatedSession = { session: string; msg_id?: string; host: string };

/** The client's operations, over HTTP (one embedded host) or NATS (any number of hosts). */
export type TExecClient = {
  /**
   * Starts a session whose working directory holds `files`; `client` is the rate key (user or
   * address). With `execute`, its first cell is queued in the same request (`msg_id`). `tree`:
   * the files' git tree oid when the caller knows it (NATS ships files by it). `host`: the
   * execution host that took the session.
   */
  createSession(o: TCreateSessionInput): Promise<TCreatedSession>;
  execute(o: { session: string; code: string; filename?: string | null; timeout?: number }): Promise<{ msg_id: string }>;
  updateInteract(o: { session: string; interact: string; values: Record<string, unknown>; timeout?: number }): Promise<{ msg_id: string }>;
  complete(o: { session: string; code: string; cursor_pos: number }): Promise<TCompleteHttpResponse>;
  inspect(o: { session: string; code: string; cursor_pos: number; detail_level?: 0 | 1 }): Promise<TInspectHttpResponse>;
  events(o: { session: string; after?: number; signal?: AbortSignal }): AsyncGenerator<TSessionEvent>;
  interrupt(o: { session: string }): Promise<void>;
  close(o: { session: string }): Promise<void>;
  listFiles(o: { session: string }): Promise<TFileEntry[]>;
  openFile(o: { session: string; name: string }): Promise<{ size: number; body: ReadableStream<Uint8Array> }>;
  readFile(o: { session: string; name: string }): Promise<Uint8Array>;
  health(): Promise<THealth[]>;
  hosts(): Promise<TExecHostInfo[]>;
  runToCompletion(o: TRunToCompletionInput): Promise<TRunResult>;
};

type TCallInit = { method?: string; body?: string; headers?: Record<string, string>; signal?: AbortSignal | undefined };

/**
 * Loopback connections kept open between calls: a Run is several calls in a row, and a new TCP
 * connection per call (fetch's default pool is small and closes sockets between bursts) cost
 * more CPU than the call itself. node:http directly also skips fetch's WHATWG streams.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * A client for the one service at `url` (`http://`, loopback: EXEC_URL, e.g. `http://127.0.0.1:3101`). `host`: the id it names
 * as where runs ran ("local" unless the service has an EXEC_HOST_ID); `capacity`: its
 * EXEC_MAX_SESSIONS, for the hosts list.
 */
export function createExecClient(url: string, o: { host?: string; capacity?: number } = {}): TExecClient {
  const base = new URL(url.replace(/\/+$/, "") + "/");
  const prefix = base.pathname.replace(/\/+$/, "");
  const hostId = o.host || "local";
  const enc = encodeURIComponent;

  /** A call about a session. */
  function sessionCall(session: string, rest: string, init?: TCallInit): Promise<IncomingMessage> {
    return call(`/sessions/${enc(session)}${rest}`, init);
  }

  /** One request; resolves with the response (2xx) once its headers are in, else throws ExecError. */
  async function call(path: string, init: TCallInit = {}): Promise<IncomingMessage> {
    let res: IncomingMessage;
    try {
      res = await new Promise<IncomingMessage>((resolve, reject) => {
        const headers: Record<string, string> = { ...init.headers };
        if (init.body !== undefined) {
          headers["Content-Type"] = "application/json";
          headers["Content-Length"] = String(Buffer.byteLength(init.body));
        }
        const req = http.request(
          {
            hostname: base.hostname,
            port: base.port || undefined,
            path: prefix + path,
            method: init.method ?? "GET",
            headers,
            agent,
            signal: init.signal,
          },
          resolve,
        );
        req.on("error", reject);
        req.end(init.body);
      });
    } catch (e) {
      if (init.signal?.aborted) throw e;
      throw new ExecError("UNAVAILABLE", "Run is not available on this server (the execution service is not answering).", undefined, undefined, { cause: e });
    }
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return res;
    const text = (await readBody(res).catch(() => Buffer.alloc(0))).toString("utf8");
    let code = "ERROR";
    let message = `the execution service answered ${status}`;
    let kernels: string[] | undefined;
    try {
      const body = ZErrorBody.parse(JSON.parse(text));
      ({ code, message, kernels } = body.error);
    } catch {
      // not our error shape (a proxy?): keep the status line
    }
    const header = res.headers["retry-after"];
    const retry = header === undefined ? NaN : Number(header);
    throw new ExecError(code, message, status, Number.isFinite(retry) && retry >= 0 ? retry : undefined, { kernels });
  }

  async function parse<T extends z.ZodType>(schema: T, res: IncomingMessage): Promise<z.infer<T>> {
    return schema.parse(JSON.parse((await readBody(res)).toString("utf8")));
  }

  /** Reads a response to its end (which also frees its connection for the next call). */
  async function drain(res: IncomingMessage): Promise<void> {
    await readBody(res);
  }

  const client: TExecClient = {
    /**
     * Starts a session whose working directory holds `files`; `client` is the rate key (user or
     * address). With `execute`, its first cell is queued in the same request (`msg_id`).
     * `tree`: the files' git tree oid when the caller knows it (NATS ships files by it);
     * `host`: the host that took the session.
     */
    async createSession(o: TCreateSessionInput): Promise<TCreatedSession> {
      const files = o.files.map((f) => ({
        path: f.path,
        base64: (typeof f.content === "string" ? Buffer.from(f.content, "utf8") : Buffer.from(f.content)).toString("base64"),
      }));
      const execute = o.execute && { code: o.execute.code, filename: o.execute.filename ?? null, timeout: o.execute.timeout };
      const created = await parse(
        ZCreateSessionResponse,
        await call("/sessions", {
          method: "POST",
          body: JSON.stringify({
            kernel: o.kernel ?? "python",
            files,
            client: o.client,
            ...(execute ? { execute } : {}),
            ...(o.shared ? { shared: o.shared } : {}),
          }),
        }),
      );
      return created.msg_id === undefined ? { session: created.session, host: hostId } : { ...created, host: hostId };
    },

    /** Queues a cell (a file's text with `filename`, or an interactive cell); cells run in order. */
    async execute(o: { session: string; code: string; filename?: string | null; timeout?: number }): Promise<{ msg_id: string }> {
      return parse(
        ZExecuteHttpResponse,
        await sessionCall(o.session, "/execute", { method: "POST", body: JSON.stringify({ code: o.code, filename: o.filename ?? null, timeout: o.timeout }) }),
      );
    },

    /** Queues an interact update: the kernel re-runs interact `interact` with `values`. */
    async updateInteract(o: { session: string; interact: string; values: Record<string, unknown>; timeout?: number }): Promise<{ msg_id: string }> {
      return parse(
        ZExecuteHttpResponse,
        await sessionCall(o.session, "/interact", { method: "POST", body: JSON.stringify({ interact: o.interact, values: o.values, timeout: o.timeout }) }),
      );
    },

    /**
     * Completions at `cursor_pos` (code points) in `code` from the session's namespace; `busy`
     * (and no matches) while a cell runs (docs/exec.md section 3).
     */
    async complete(o: { session: string; code: string; cursor_pos: number }): Promise<TCompleteHttpResponse> {
      return parse(
        ZCompleteHttpResponse,
        await sessionCall(o.session, "/complete", { method: "POST", body: JSON.stringify({ code: o.code, cursor_pos: o.cursor_pos }) }),
      );
    },

    /** Help (signature and docstring; `detail_level` 1: the source) for the name at `cursor_pos`. */
    async inspect(o: { session: string; code: string; cursor_pos: number; detail_level?: 0 | 1 }): Promise<TInspectHttpResponse> {
      return parse(
        ZInspectHttpResponse,
        await sessionCall(o.session, "/inspect", {
          method: "POST",
          body: JSON.stringify({ code: o.code, cursor_pos: o.cursor_pos, detail_level: o.detail_level ?? 0 }),
        }),
      );
    },

    /**
     * The session's messages after `after` (a seq seen before; 0 for all), live, until the
     * session ends (its `dead` status is the last) or `signal` aborts.
     */
    async *events(o: { session: string; after?: number; signal?: AbortSignal }): AsyncGenerator<TSessionEvent> {
      const res = await sessionCall(o.session, `/events?after=${o.after ?? 0}`, { signal: o.signal, headers: { Accept: "text/event-stream" } });
      res.setEncoding("utf8");
      let buffer = "";
      try {
        for await (const chunk of res as AsyncIterable<string>) {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let seq = NaN;
            let data = "";
            for (const line of block.split("\n")) {
              if (line.startsWith("id: ")) seq = Number(line.slice(4));
              else if (line.startsWith("data: ")) data += line.slice(6);
            }
            if (!data || !Number.isInteger(seq)) continue; // heartbeat comments
            yield { seq, message: ZJupyterMessage.parse(JSON.parse(data)) };
          }
        }
      } finally {
        // Left early (the caller broke out): the stream never ends by itself, so its connection goes.
        if (!res.complete) res.destroy();
      }
    },

    /** Interrupts the running cell (KeyboardInterrupt; the service kills it after a grace period). */
    async interrupt(o: { session: string }): Promise<void> {
      await drain(await sessionCall(o.session, "/interrupt", { method: "POST" }));
    },

    /** Ends the session; files it wrote stay downloadable for a while. */
    async close(o: { session: string }): Promise<void> {
      await drain(await sessionCall(o.session, "", { method: "DELETE" }));
    },

    /** Files the cells created or changed. */
    async listFiles(o: { session: string }): Promise<TFileEntry[]> {
      return parse(ZFileList, await sessionCall(o.session, "/files"));
    },

    /**
     * A file of the session's working directory as it arrives from the service, with its size
     * (the service's Content-Length): a download passes it on without holding the file, which
     * may be as large as the session's file limit. Cancelling `body` ends the transfer.
     */
    async openFile(o: { session: string; name: string }): Promise<{ size: number; body: ReadableStream<Uint8Array> }> {
      const path = o.name.split("/").map(enc).join("/");
      const res = await sessionCall(o.session, `/files/${path}`);
      const size = Number(res.headers["content-length"]);
      if (!Number.isSafeInteger(size) || size < 0) {
        res.destroy();
        throw new ExecError("ERROR", "the execution service sent a file without its length");
      }
      return { size, body: Readable.toWeb(res) as ReadableStream<Uint8Array> };
    },

    /** The bytes of a file of the session's working directory, whole in memory (small files, tests). */
    async readFile(o: { session: string; name: string }): Promise<Uint8Array> {
      const { body } = await client.openFile(o);
      return new Uint8Array(await new Response(body).arrayBuffer());
    },

    /** The pool and queue of each host. */
    async health(): Promise<THealth[]> {
      return [await parse(ZHealth, await call("/health"))];
    },

    /** The one host, as `GET /api/v1/exec/hosts` lists it. */
    async hosts(): Promise<TExecHostInfo[]> {
      const [h] = await client.health();
      const capacity = o.capacity ?? 16;
      return [
        {
          id: hostId,
          kernels: h?.kernels ?? ["python"],
          capacity,
          free: Math.max(0, capacity - (h?.pool.busy ?? 0) - (h?.queue ?? 0)),
          sessions: h?.sessions ?? 0,
          lastHeartbeat: new Date().toISOString(),
        },
      ];
    },

    /** Runs one cell in a fresh session and waits for it (run-to-completion.ts). */
    runToCompletion(o) {
      return runToCompletion(client, o);
    },
  };
  return client;
}

let defaultClient: TExecClient | undefined;

/**
 * The site's client: through NATS when NATS_URL is set (docs/scale.md), else of the embedded
 * service at EXEC_URL (default http://127.0.0.1:3101). lib/runs gets it here; nothing passes it down.
 */
export function execClient(): TExecClient {
  if (defaultClient) return defaultClient;
  const config = execConfig();
  defaultClient = config.nats ? createNatsExecClient(config.nats) : createExecClient(config.url, { host: config.hostId, capacity: config.maxSessions });
  return defaultClient;
}

/** Forgets the site's client (tests that change the settings). */
export function resetExecClientForTests(): void {
  defaultClient = undefined;
}
