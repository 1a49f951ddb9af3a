/**
 * The site's client of the execution service (docs/exec.md section 4). It takes a base URL, so a
 * site could later spread sessions over several execution hosts (a session id would then carry
 * its host). Every answer of the service is parsed with the schemas of lib/exec/protocol.ts.
 */
import { z } from "zod";
import {
  appendOutput,
  toNbOutput,
  ZCreateSessionResponse,
  ZErrorBody,
  ZExecuteHttpResponse,
  ZFileList,
  ZHealth,
  ZJupyterMessage,
  type TFileEntry,
  type THealth,
  type TNbOutput,
  type TSessionEvent,
} from "@/lib/exec/protocol";

/** A file for a session's working directory. */
export type TClientFile = { path: string; content: Uint8Array | string };

export type TRunStatus = "ok" | "error" | "timeout" | "limit";
export type TRunResult = { status: TRunStatus; outputs: TNbOutput[]; files: TFileEntry[] };

/**
 * A refusal or failure of the service. `status` is the service's HTTP status (absent when it
 * could not be reached: then `code` is "UNAVAILABLE" and `cause` the network error), `retryAfter`
 * its Retry-After in seconds.
 */
export class ExecError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
    readonly retryAfter?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ExecError";
  }
}

/** The client's operations against one service at `baseUrl`. */
export type TExecClient = ReturnType<typeof createExecClient>;

/** A client for the service at `baseUrl` (e.g. `http://127.0.0.1:3101`). */
export function createExecClient(baseUrl: string) {
  const base = baseUrl.replace(/\/+$/, "");
  const enc = encodeURIComponent;

  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(base + path, { ...init, headers: { "Content-Type": "application/json", ...init.headers } });
    } catch (e) {
      throw new ExecError("UNAVAILABLE", "Run is not available on this server (the execution service is not answering).", undefined, undefined, { cause: e });
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => "");
    let code = "ERROR";
    let message = `the execution service answered ${res.status}`;
    try {
      const body = ZErrorBody.parse(JSON.parse(text));
      ({ code, message } = body.error);
    } catch {
      // not our error shape (a proxy?): keep the status line
    }
    const retry = Number(res.headers.get("retry-after"));
    throw new ExecError(code, message, res.status, Number.isFinite(retry) && retry >= 0 ? retry : undefined);
  }

  async function json<T extends z.ZodType>(schema: T, path: string, init?: RequestInit): Promise<z.infer<T>> {
    const res = await call(path, init);
    return schema.parse(await res.json());
  }

  const client = {
    /** Starts a session whose working directory holds `files`; `client` is the rate key (user or address). */
    async createSession(o: { files: TClientFile[]; client: string; kernel?: string }): Promise<{ session: string }> {
      const files = o.files.map((f) => ({
        path: f.path,
        base64: (typeof f.content === "string" ? Buffer.from(f.content, "utf8") : Buffer.from(f.content)).toString("base64"),
      }));
      return json(ZCreateSessionResponse, "/sessions", {
        method: "POST",
        body: JSON.stringify({ kernel: o.kernel ?? "python", files, client: o.client }),
      });
    },

    /** Queues a cell (a file's text with `filename`, or an interactive cell); cells run in order. */
    async execute(o: { session: string; code: string; filename?: string | null; timeout?: number }): Promise<{ msg_id: string }> {
      return json(ZExecuteHttpResponse, `/sessions/${enc(o.session)}/execute`, {
        method: "POST",
        body: JSON.stringify({ code: o.code, filename: o.filename ?? null, timeout: o.timeout }),
      });
    },

    /**
     * The session's messages after `after` (a seq seen before; 0 for all), live, until the
     * session ends (its `dead` status is the last) or `signal` aborts.
     */
    async *events(o: { session: string; after?: number; signal?: AbortSignal }): AsyncGenerator<TSessionEvent> {
      const res = await call(`/sessions/${enc(o.session)}/events?after=${o.after ?? 0}`, { signal: o.signal, headers: { Accept: "text/event-stream" } });
      if (!res.body) return;
      const decoder = new TextDecoder();
      let buffer = "";
      const reader = res.body.getReader();
      try {
        while (true) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
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
        await reader.cancel().catch(() => {});
      }
    },

    /** Interrupts the running cell (KeyboardInterrupt; the service kills it after a grace period). */
    async interrupt(o: { session: string }): Promise<void> {
      await call(`/sessions/${enc(o.session)}/interrupt`, { method: "POST" });
    },

    /** Ends the session; files it wrote stay downloadable for a while. */
    async close(o: { session: string }): Promise<void> {
      await call(`/sessions/${enc(o.session)}`, { method: "DELETE" });
    },

    /** Files the cells created or changed. */
    async listFiles(o: { session: string }): Promise<TFileEntry[]> {
      return json(ZFileList, `/sessions/${enc(o.session)}/files`);
    },

    /** The bytes of a file of the session's working directory. */
    async readFile(o: { session: string; name: string }): Promise<Uint8Array> {
      const path = o.name.split("/").map(enc).join("/");
      const res = await call(`/sessions/${enc(o.session)}/files/${path}`);
      return new Uint8Array(await res.arrayBuffer());
    },

    /** The service's pool and queue. */
    async health(): Promise<THealth> {
      return json(ZHealth, "/health");
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
    }): Promise<TRunResult> {
      const { session } = await client.createSession({ files: o.files, client: o.client });
      // The service's own wall clock ends every cell; this is a backstop against a lost stream.
      const abort = new AbortController();
      const backstop = setTimeout(() => abort.abort(), ((o.timeout ?? 600) + 30) * 1000);
      try {
        const { msg_id } = await client.execute({ session, code: o.code, filename: o.filename, timeout: o.timeout });
        const outputs: TNbOutput[] = [];
        let status: TRunStatus = "ok";
        for await (const { message } of client.events({ session, signal: abort.signal })) {
          const parent = (message.parent_header as { msg_id?: string }).msg_id;
          const type = message.header.msg_type;
          if (type === "status" && (message.content as { execution_state: string }).execution_state === "dead") break;
          if (parent !== msg_id) continue;
          const output = toNbOutput(message);
          if (output) appendOutput(outputs, output);
          if (type === "error") {
            const limit = message.metadata.limit;
            const ename = (message.content as { ename: string }).ename;
            status = ename === "LimitExceeded" ? (limit === "time" ? "timeout" : "limit") : "error";
          }
          if (type === "status" && (message.content as { execution_state: string }).execution_state === "idle") break;
        }
        const files = await client.listFiles({ session });
        return { status, outputs, files };
      } finally {
        clearTimeout(backstop);
        await client.close({ session }).catch(() => {});
      }
    },
  };
  return client;
}

let defaultClient: TExecClient | undefined;

/** The client of the service named by EXEC_URL (default http://127.0.0.1:3101). */
export function execClient(): TExecClient {
  defaultClient ??= createExecClient((process.env.EXEC_URL || "http://127.0.0.1:3101").trim());
  return defaultClient;
}
