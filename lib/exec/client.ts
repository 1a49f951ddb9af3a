/**
 * The site's client of the execution service (docs/exec.md section 4). It talks to one host or
 * to several: a session id carries its host's id as a prefix (`b-Xy…`, see `hostOfSession`), so
 * every call about a session goes back to the host whose process holds it (sticky by session id:
 * a live interact finds its kernel again, whichever site process serves the request). New
 * sessions go round-robin over the hosts, skipping one that is full or not answering. Every
 * answer of the service is parsed with the schemas of lib/exec/protocol.ts.
 */
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { z } from "zod";
import {
  appendOutput,
  toNbOutput,
  ZCompleteHttpResponse,
  ZCreateSessionResponse,
  ZErrorBody,
  ZExecuteHttpResponse,
  ZFileList,
  ZHealth,
  ZInspectHttpResponse,
  ZJupyterMessage,
  hostOfSession,
  isDeadStatus,
  isMsgType,
  type TCompleteHttpResponse,
  type TFileEntry,
  type THealth,
  type TInspectHttpResponse,
  type TNbOutput,
  type TSessionEvent,
} from "@/lib/exec/protocol";
import { parseExecHosts, type TExecHost } from "@/lib/exec/hosts";

/** A file for a session's working directory. */
export type TClientFile = { path: string; content: Uint8Array | string };

export type TRunStatus = "ok" | "error" | "timeout" | "limit";
/** `session`: the session that ran the cell (its files are downloadable from it for a while). */
export type TRunResult = { status: TRunStatus; outputs: TNbOutput[]; files: TFileEntry[]; session: string };

/**
 * A refusal or failure of the service. `status` is the service's HTTP status (absent when it
 * could not be reached: then `code` is "UNAVAILABLE" and `cause` the network error), `retryAfter`
 * its Retry-After in seconds, `kernels` the kernels it has (with code "UNKNOWN_KERNEL").
 */
export class ExecError extends Error {
  readonly kernels: readonly string[] | undefined;
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
    readonly retryAfter?: number,
    options?: { cause?: unknown; kernels?: readonly string[] | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ExecError";
    this.kernels = options?.kernels;
  }
}

/** A response body, whole. */
async function readBody(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The client's operations against the service (one host or several). */
export type TExecClient = ReturnType<typeof createExecClient>;

/**
 * The hosts named by `EXEC_HOSTS` (`a=http://10.0.0.5:3101,b=http://10.0.0.6:3101`, each
 * service started with the matching `EXEC_HOST_ID`), else the one host at `EXEC_URL`.
 */
export function execHostsFromEnv(env: Record<string, string | undefined> = process.env): TExecHost[] {
  const list = env.EXEC_HOSTS?.trim();
  return list ? parseExecHosts(list) : [{ id: "", url: (env.EXEC_URL || "http://127.0.0.1:3101").trim() }];
}

type TCallInit = { method?: string; body?: string; headers?: Record<string, string>; signal?: AbortSignal | undefined };

/**
 * Loopback connections kept open between calls: a Run is several calls in a row, and a new TCP
 * connection per call (fetch's default pool is small and closes sockets between bursts) cost
 * more CPU than the call itself. node:http directly also skips fetch's WHATWG streams.
 */
const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 256 }), https: new https.Agent({ keepAlive: true, maxSockets: 256 }) };

type TBase = { id: string; url: URL; secure: boolean; prefix: string };

/**
 * A client for the service at `hosts`: one base URL (e.g. `http://127.0.0.1:3101`), or several
 * hosts whose session ids carry their id (see `TExecHost`).
 */
export function createExecClient(hosts: string | TExecHost[]) {
  const bases: TBase[] = (typeof hosts === "string" ? [{ id: "", url: hosts }] : hosts).map((h) => {
    const url = new URL(h.url.replace(/\/+$/, "") + "/");
    return { id: h.id, url, secure: url.protocol === "https:", prefix: url.pathname.replace(/\/+$/, "") };
  });
  if (bases.length === 0) throw new Error("createExecClient: no execution host");
  const enc = encodeURIComponent;
  let nextHost = 0;

  /** The host holding `session`: by its id's prefix; a lone host holds every session. */
  function hostFor(session: string): TBase {
    if (bases.length === 1) return bases[0]!;
    const id = hostOfSession(session);
    const host = bases.find((b) => b.id === id);
    if (!host) throw new ExecError("NOT_FOUND", "No such session (its execution host is not one of this site's).", 404);
    return host;
  }

  /** A call about a session, sent to its host. */
  function sessionCall(session: string, rest: string, init?: TCallInit): Promise<IncomingMessage> {
    return call(hostFor(session), `/sessions/${enc(session)}${rest}`, init);
  }

  /** One request; resolves with the response (2xx) once its headers are in, else throws ExecError. */
  async function call(base: TBase, path: string, init: TCallInit = {}): Promise<IncomingMessage> {
    const secure = base.secure;
    let res: IncomingMessage;
    try {
      res = await new Promise<IncomingMessage>((resolve, reject) => {
        const headers: Record<string, string> = { ...init.headers };
        if (init.body !== undefined) {
          headers["Content-Type"] = "application/json";
          headers["Content-Length"] = String(Buffer.byteLength(init.body));
        }
        const req = (secure ? https : http).request(
          {
            protocol: base.url.protocol,
            hostname: base.url.hostname,
            port: base.url.port || undefined,
            path: base.prefix + path,
            method: init.method ?? "GET",
            headers,
            agent: secure ? agents.https : agents.http,
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

  /**
   * `POST /sessions` on the next host in turn; a host that is full (503) or not answering passes
   * the request to the next one, and the last refusal is thrown when every host refused.
   */
  async function create(body: string): Promise<IncomingMessage> {
    let refusal: unknown;
    for (let tried = 0; tried < bases.length; tried++) {
      const base = bases[nextHost++ % bases.length]!;
      try {
        return await call(base, "/sessions", { method: "POST", body });
      } catch (e) {
        if (!(e instanceof ExecError) || (e.status !== undefined && e.status !== 503)) throw e;
        refusal = e;
      }
    }
    throw refusal;
  }

  /** Reads a response to its end (which also frees its connection for the next call). */
  async function drain(res: IncomingMessage): Promise<void> {
    await readBody(res);
  }

  const client = {
    /**
     * Starts a session whose working directory holds `files`; `client` is the rate key (user or
     * address). With `execute`, its first cell is queued in the same request (`msg_id`).
     */
    async createSession(o: {
      files: TClientFile[];
      client: string;
      kernel?: string;
      execute?: { code: string; filename?: string | null; timeout?: number | undefined };
    }): Promise<{ session: string; msg_id?: string }> {
      const files = o.files.map((f) => ({
        path: f.path,
        base64: (typeof f.content === "string" ? Buffer.from(f.content, "utf8") : Buffer.from(f.content)).toString("base64"),
      }));
      const execute = o.execute && { code: o.execute.code, filename: o.execute.filename ?? null, timeout: o.execute.timeout };
      const created = await parse(
        ZCreateSessionResponse,
        await create(JSON.stringify({ kernel: o.kernel ?? "python", files, client: o.client, ...(execute ? { execute } : {}) })),
      );
      return created.msg_id === undefined ? { session: created.session } : created;
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

    /** The pool and queue of each host, in order. */
    async health(): Promise<THealth[]> {
      return Promise.all(bases.map(async (b) => parse(ZHealth, await call(b, "/health"))));
    },

    /**
     * Runs one cell in a fresh session and waits for it (`POST /api/v1/exec`): its outputs as
     * nbformat v4, its status (a `LimitExceeded` for the wall clock is "timeout", for another
     * limit "limit"), and the files it wrote. The session is closed afterwards; the files stay
     * downloadable for the service's retention time.
     */
    async runToCompletion(o: {
      files: TClientFile[];
      code: string;
      filename?: string | null;
      timeout?: number;
      client: string;
      /** The kernel to run in (default "python"). */
      kernel?: string;
    }): Promise<TRunResult> {
      // The cell goes with the creation: one round trip less.
      const created = await client.createSession({
        files: o.files,
        client: o.client,
        ...(o.kernel !== undefined ? { kernel: o.kernel } : {}),
        execute: { code: o.code, filename: o.filename, timeout: o.timeout },
      });
      const { session } = created;
      // The service's own wall clock ends every cell; this is a backstop against a lost stream.
      const abort = new AbortController();
      const backstop = setTimeout(() => abort.abort(), ((o.timeout ?? 600) + 30) * 1000);
      try {
        const msg_id = created.msg_id ?? (await client.execute({ session, code: o.code, filename: o.filename, timeout: o.timeout })).msg_id;
        const outputs: TNbOutput[] = [];
        let status: TRunStatus = "ok";
        for await (const { message } of client.events({ session, signal: abort.signal })) {
          if (isDeadStatus(message)) break;
          if (message.parent_header.msg_id !== msg_id) continue;
          const output = toNbOutput(message);
          if (output) appendOutput(outputs, output);
          if (isMsgType(message, "error")) {
            const limit = message.metadata.limit;
            status = message.content.ename === "LimitExceeded" ? (limit === "time" ? "timeout" : "limit") : "error";
          }
          if (isMsgType(message, "status") && message.content.execution_state === "idle") break;
        }
        const files = await client.listFiles({ session });
        return { status, outputs, files, session };
      } finally {
        clearTimeout(backstop);
        await client.close({ session }).catch(() => {});
      }
    },
  };
  return client;
}

let defaultClient: TExecClient | undefined;

/** The client of the service hosts named by EXEC_HOSTS, or of the one at EXEC_URL (default http://127.0.0.1:3101). */
export function execClient(): TExecClient {
  defaultClient ??= createExecClient(execHostsFromEnv());
  return defaultClient;
}
