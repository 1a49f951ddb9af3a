/**
 * The site's client of execution hosts on NATS (docs/scale.md), with the operations of the HTTP
 * client (`TExecClient`). It keeps the live hosts from their heartbeats (a host quiet for
 * `HOST_DEAD_MS` is dead), creates sessions through the hosts' queue group (trying again when a
 * full host refuses), sends a session's operations to the host whose id starts the session id,
 * and ships a session's files once per tree into the object store `<prefix>-trees`.
 */
import { createHash } from "node:crypto";
import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from "@nats-io/transport-node";
import { Objm, type ObjectStore } from "@nats-io/obj";
import type { TClientFile, TCreatedSession, TCreateSessionInput, TExecClient, TExecHostInfo } from "@/lib/exec/client";
import type { TNatsEnv } from "@/lib/exec/config";
import { ExecError } from "@/lib/exec/exec-error";
import { connectNats, decodeJson, encodeJson, natsSubjects, Reassembler, type THeartbeat, type TSessionOp, ZHeartbeat } from "@/lib/exec/nats/wire";
import {
  hostOfSession,
  isDeadStatus,
  ZCompleteHttpResponse,
  ZCreateSessionResponse,
  ZErrorBody,
  ZExecuteHttpResponse,
  ZFileList,
  ZInspectHttpResponse,
  ZJupyterMessage,
  type TSessionEvent,
} from "@/lib/exec/protocol";
import { runToCompletion } from "@/lib/exec/run-to-completion";
import { z } from "zod";

/** A host that sent no heartbeat for this long is dead: its sessions end, new ones go elsewhere. */
export const HOST_DEAD_MS = 3000;
/** A host unheard of this long is dropped from the site's list (it comes back with its next heartbeat). */
const FORGET_HOST_MS = 60_000;
/** The message of a session whose host stopped (the page shows it with Restart). */
export const HOST_LOST_MESSAGE = "The execution host running this run stopped; this run ended. Press Run again.";

const REQUEST_TIMEOUT_MS = 15_000;
/** A creation may wait in a host's queue (registry.ts: 20 s) before it is refused. */
const CREATE_TIMEOUT_MS = 30_000;
/** How long creations are retried while every host is full or none answers. */
const CREATE_RETRY_MS = 6_000;

const ZHostEvent = z.object({ seq: z.number().int(), message: ZJupyterMessage });

type TReply = { status: number; data: Uint8Array; headers: MsgHdrs | undefined };

/** A client of the hosts on NATS at `env`; `close` ends its connection. */
export function createNatsExecClient(env: TNatsEnv): TExecClient & {
  disconnect: () => Promise<void>;
  /** Trees this client put into the bucket (a tree already there is not put again). */
  stats: { treesUploaded: number };
} {
  const subjects = natsSubjects(env.prefix);
  const hosts = new Map<string, { hb: THeartbeat; seen: number }>();
  /** When the connection was made: hosts not heard of yet count as alive for a moment after it. */
  let connectedAt = Date.now();
  const uploaded = new Set<string>();
  const stats = { treesUploaded: 0 };
  let connecting: Promise<NatsConnection> | undefined;
  let bucket: Promise<ObjectStore> | undefined;

  function conn(): Promise<NatsConnection> {
    if (connecting) return connecting;
    const opened: Promise<NatsConnection> = (async () => {
      const nc = await connectNats(env, "cellar site");
      const sub = nc.subscribe(subjects.heartbeats);
      (async () => {
        for await (const m of sub) {
          // The host is the subject's (NATS lets each host publish only its own); the body is checked.
          const id = m.subject.slice(m.subject.lastIndexOf(".") + 1);
          let hb: THeartbeat;
          try {
            hb = ZHeartbeat.parse(decodeJson(m.data));
          } catch {
            continue; // not a heartbeat
          }
          hosts.set(id, { hb: { ...hb, id }, seen: Date.now() });
          // Hosts gone for good (a minute without a heartbeat) are forgotten, not kept forever.
          for (const [other, h] of hosts) if (Date.now() - h.seen > FORGET_HOST_MS) hosts.delete(other);
        }
      })().catch((e: Error) => console.error(`cellar: the hosts' heartbeats cannot be heard: ${e.message}`));
      await nc.flush();
      connectedAt = Date.now();
      nc.publish(subjects.ping); // every host answers with a heartbeat now
      // A connection NATS gave up on (credentials refused twice, say) is not kept: the next call connects anew.
      void nc.closed().then(() => {
        if (connecting === opened) {
          connecting = undefined;
          bucket = undefined;
        }
      });
      return nc;
    })().catch((e: unknown) => {
      connecting = undefined; // the next call tries again
      throw new ExecError("UNAVAILABLE", "Run is not available on this server (NATS is not answering).", undefined, undefined, { cause: e });
    });
    connecting = opened;
    return opened;
  }

  /** Whether host `id` sent a heartbeat lately (a host not heard of yet counts as alive for a while after start). */
  function alive(id: string): boolean {
    const seen = hosts.get(id)?.seen ?? connectedAt;
    return Date.now() - seen < HOST_DEAD_MS;
  }

  function liveHosts(): THeartbeat[] {
    return [...hosts.values()].filter((h) => Date.now() - h.seen < HOST_DEAD_MS).map((h) => h.hb);
  }

  /**
   * One request and its whole reply (put together from its parts). A refusal (status ≥ 400)
   * throws ExecError with the host's code and message; no host listening throws a 503 with
   * code NO_RESPONDERS; no answer in time throws UNAVAILABLE.
   */
  async function request(subject: string, body: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<TReply> {
    const nc = await conn();
    const inbox = createInbox();
    const sub = nc.subscribe(inbox);
    const parts = new Reassembler();
    const timer = setTimeout(() => sub.unsubscribe(), timeoutMs);
    try {
      nc.publish(subject, encodeJson(body), { reply: inbox });
      for await (const m of sub) {
        if (isNoResponders(m)) throw new ExecError("NO_RESPONDERS", "No execution host is taking runs right now; try again in a few seconds.", 503, 2);
        const whole = parts.add(m);
        if (!whole) continue;
        const status = Number(whole.headers?.get("Cellar-Status") || 200);
        if (status >= 400) throw refusal(status, whole.data, whole.headers);
        return { status, data: whole.data, headers: whole.headers };
      }
      throw new ExecError("UNAVAILABLE", "Run is not available right now: the execution host did not answer.");
    } finally {
      clearTimeout(timer);
      sub.unsubscribe();
    }
  }

  async function json<T extends z.ZodType>(schema: T, subject: string, body: unknown, timeoutMs?: number): Promise<z.infer<T>> {
    const r = await sessionRequest(subject, body, timeoutMs);
    return schema.parse(decodeJson(r.data));
  }

  /** A request about a session: nobody listening on its host's subject means the host is gone, and the session with it. */
  async function sessionRequest(subject: string, body: unknown, timeoutMs?: number): Promise<TReply> {
    try {
      return await request(subject, body, timeoutMs);
    } catch (e) {
      if (e instanceof ExecError && e.code === "NO_RESPONDERS")
        throw new ExecError("NOT_FOUND", "No such session: its execution host has stopped.", 404, undefined, { cause: e });
      throw e;
    }
  }

  function sessionSubject(session: string, op: TSessionOp): string {
    const host = hostOfSession(session);
    if (!host) throw new ExecError("NOT_FOUND", "No such session (it names no execution host).", 404);
    return subjects.op(host, session, op);
  }

  /**
   * Puts the files into the trees bucket under their key unless they are there; answers the key.
   * A known tree is neither encoded nor asked about again (`uploaded`), unless `again`: a host
   * found it missing (the bucket was purged or JetStream lost its store).
   */
  async function shipTree(files: TClientFile[], tree: string | undefined, again = false): Promise<string> {
    if (tree !== undefined && uploaded.has(tree) && !again) return tree;
    const encoded = files
      .map((f) => ({ path: f.path, base64: (typeof f.content === "string" ? Buffer.from(f.content, "utf8") : Buffer.from(f.content)).toString("base64") }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const key = tree ?? `sha256-${createHash("sha256").update(JSON.stringify(encoded)).digest("hex")}`;
    if (uploaded.has(key) && !again) return key;
    const nc = await conn();
    try {
      bucket ??= new Objm(nc).create(subjects.treesBucket, { description: "Cellar: snippet trees for the execution hosts" });
      const store = await bucket;
      if (again || (await store.info(key)) === null) {
        await store.putBlob({ name: key }, encodeJson({ files: encoded }));
        stats.treesUploaded++;
      }
    } catch (e) {
      bucket = undefined;
      throw new ExecError("UNAVAILABLE", "Run is not available on this server (the snippets' store on NATS is not answering).", undefined, undefined, {
        cause: e,
      });
    }
    uploaded.add(key);
    return key;
  }

  const client = {
    async createSession(o: TCreateSessionInput): Promise<TCreatedSession> {
      let tree = o.files.length > 0 ? await shipTree(o.files, o.tree) : undefined;
      const execute = o.execute && { code: o.execute.code, filename: o.execute.filename ?? null, timeout: o.execute.timeout };
      const body = () => ({
        kernel: o.kernel ?? "python",
        client: o.client,
        ...(tree ? { tree } : {}),
        ...(execute ? { execute } : {}),
        ...(o.shared ? { shared: o.shared } : {}),
      });
      const deadline = Date.now() + CREATE_RETRY_MS;
      let shippedAgain = false;
      for (let attempt = 0; ; attempt++) {
        try {
          const r = await request(subjects.create, body(), CREATE_TIMEOUT_MS);
          const created = ZCreateSessionResponse.parse(decodeJson(r.data));
          // The host is the one the session id names (every later call goes by it), not a claim of the reply.
          const host = hostOfSession(created.session);
          return created.msg_id === undefined ? { session: created.session, host } : { ...created, host };
        } catch (e) {
          // The host found no such tree (the bucket was purged since this site shipped it): ship it again, once.
          if (e instanceof ExecError && e.code === "UNKNOWN_TREE" && tree !== undefined && !shippedAgain) {
            shippedAgain = true;
            tree = await shipTree(o.files, o.tree, true);
            continue;
          }
          // A full host (it left the queue group a moment late) or none at all: another may have room soon.
          const retry = e instanceof ExecError && e.status === 503;
          if (!retry || Date.now() > deadline) {
            if (e instanceof ExecError && e.code === "NO_RESPONDERS") {
              throw new ExecError(
                "UNAVAILABLE",
                liveHosts().length > 0
                  ? "All runners are busy; try again in a few seconds."
                  : "No execution host is connected right now; try again in a minute.",
                503,
                5,
              );
            }
            throw e;
          }
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * 2 ** attempt)));
        }
      }
    },

    async execute(o: { session: string; code: string; filename?: string | null; timeout?: number }): Promise<{ msg_id: string }> {
      return json(ZExecuteHttpResponse, sessionSubject(o.session, "execute"), { code: o.code, filename: o.filename ?? null, timeout: o.timeout });
    },

    async updateInteract(o: { session: string; interact: string; values: Record<string, unknown>; timeout?: number }): Promise<{ msg_id: string }> {
      return json(ZExecuteHttpResponse, sessionSubject(o.session, "interact"), { interact: o.interact, values: o.values, timeout: o.timeout });
    },

    async complete(o: { session: string; code: string; cursor_pos: number }) {
      return json(ZCompleteHttpResponse, sessionSubject(o.session, "complete"), { code: o.code, cursor_pos: o.cursor_pos });
    },

    async inspect(o: { session: string; code: string; cursor_pos: number; detail_level?: 0 | 1 }) {
      return json(ZInspectHttpResponse, sessionSubject(o.session, "inspect"), { code: o.code, cursor_pos: o.cursor_pos, detail_level: o.detail_level ?? 0 });
    },

    /**
     * The session's messages after `after`, live, until its `dead` status. Subscribes to the
     * session's subject first, then asks its host for what came before, so nothing falls between
     * (duplicates are dropped by seq). Throws ExecError HOST_LOST when the host stops sending
     * heartbeats before the session ended.
     */
    async *events(o: { session: string; after?: number; signal?: AbortSignal }): AsyncGenerator<TSessionEvent> {
      const host = hostOfSession(o.session);
      const subject = sessionSubject(o.session, "events");
      const nc = await conn();
      const sub = nc.subscribe(subjects.events(host, o.session));
      const queue: TSessionEvent[] = [];
      let wake = null as (() => void) | null;
      /** Why the session's subscription ended (refused by the server), if it did. */
      let failed: Error | undefined;
      const parts = new Reassembler();
      void (async () => {
        for await (const m of sub) {
          const whole = parts.add(m);
          if (!whole) continue;
          try {
            queue.push(ZHostEvent.parse(decodeJson(whole.data)) as TSessionEvent);
          } catch {
            continue; // a malformed message is not passed on
          }
          wake?.();
        }
      })().catch((e: Error) => {
        failed = e;
        wake?.();
      });
      const onAbort = () => wake?.();
      o.signal?.addEventListener("abort", onAbort);
      try {
        await nc.flush(); // the subscription stands before the backlog is asked for
        let backlog: TReply;
        try {
          backlog = await request(subject, { after: o.after ?? 0 });
        } catch (e) {
          // Its host is gone (a page reconnecting after the host died): the session ended with it.
          if (e instanceof ExecError && e.code === "NO_RESPONDERS") throw new ExecError("HOST_LOST", HOST_LOST_MESSAGE, undefined, undefined, { cause: e });
          throw e;
        }
        queue.unshift(
          ...z
            .array(ZHostEvent)
            .parse(decodeJson(backlog.data))
            .map((e) => e as TSessionEvent),
        );
        let last = o.after ?? 0;
        for (;;) {
          while (queue.length > 0) {
            const event = queue.shift()!;
            if (event.seq <= last) continue;
            last = event.seq;
            yield event;
            const m = event.message;
            if (isDeadStatus(m)) return;
          }
          if (o.signal?.aborted) return;
          if (failed) throw new ExecError("UNAVAILABLE", `the session's messages cannot be heard: ${failed.message}`, undefined, undefined, { cause: failed });
          if (!alive(host)) throw new ExecError("HOST_LOST", HOST_LOST_MESSAGE);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 500);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = null;
        }
      } finally {
        o.signal?.removeEventListener("abort", onAbort);
        sub.unsubscribe();
      }
    },

    async interrupt(o: { session: string }): Promise<void> {
      await sessionRequest(sessionSubject(o.session, "interrupt"), {});
    },

    async close(o: { session: string }): Promise<void> {
      await sessionRequest(sessionSubject(o.session, "close"), {});
    },

    async listFiles(o: { session: string }) {
      return json(ZFileList, sessionSubject(o.session, "files"), {});
    },

    /** A file of the session as its parts arrive (each at most max_payload), with its size. */
    async openFile(o: { session: string; name: string }): Promise<{ size: number; body: ReadableStream<Uint8Array> }> {
      const nc = await conn();
      const inbox = createInbox();
      const sub = nc.subscribe(inbox);
      const iterator = sub[Symbol.asyncIterator]();
      let timer: NodeJS.Timeout | undefined;
      const next = async (): Promise<Msg> => {
        timer = setTimeout(() => sub.unsubscribe(), REQUEST_TIMEOUT_MS);
        const r = await iterator.next();
        clearTimeout(timer);
        if (r.done) throw new ExecError("UNAVAILABLE", "the execution host stopped sending the file");
        return r.value;
      };
      nc.publish(sessionSubject(o.session, "file"), encodeJson({ name: o.name }), { reply: inbox });
      let first: Msg;
      try {
        first = await next();
        if (isNoResponders(first)) throw new ExecError("NOT_FOUND", "No such session (its execution host is gone).", 404);
        const status = Number(first.headers?.get("Cellar-Status") || 200);
        if (status >= 400) {
          // An error body is small: one part.
          throw refusal(status, first.data, first.headers);
        }
      } catch (e) {
        sub.unsubscribe();
        throw e;
      }
      const size = Number(first.headers?.get("Cellar-Size"));
      const total = Number(first.headers?.get("Cellar-Parts") ?? 1);
      // As the HTTP client: a download passes the length on (Content-Length), so it must be one.
      if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(total) || total < 1) {
        sub.unsubscribe();
        throw new ExecError("ERROR", "the execution host sent a file without its length");
      }
      let received = 1;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          if (first.data.length > 0) controller.enqueue(first.data);
          if (received >= total) {
            sub.unsubscribe();
            controller.close();
          }
        },
        async pull(controller) {
          try {
            const m = await next();
            received++;
            controller.enqueue(m.data);
            if (received >= total) {
              sub.unsubscribe();
              controller.close();
            }
          } catch (e) {
            sub.unsubscribe();
            controller.error(e);
          }
        },
        cancel() {
          clearTimeout(timer);
          sub.unsubscribe();
        },
      });
      return { size, body };
    },

    async readFile(o: { session: string; name: string }): Promise<Uint8Array> {
      const { body } = await client.openFile(o);
      return new Uint8Array(await new Response(body).arrayBuffer());
    },

    /** The live hosts as one health each (their kernels and room). */
    async health() {
      await client.hosts();
      return liveHosts().map((h) => ({ ok: true, pool: { ready: h.free, busy: h.capacity - h.free }, queue: 0, sessions: h.sessions, kernels: h.kernels }));
    },

    /** The live hosts (heard from within HOST_DEAD_MS), by id. */
    async hosts(): Promise<TExecHostInfo[]> {
      await conn();
      // Just connected: give the hosts a moment to answer the ping.
      const wait = connectedAt + 300 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return liveHosts()
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((h) => ({
          id: h.id,
          kernels: h.kernels,
          capacity: h.capacity,
          free: h.free,
          sessions: h.sessions,
          lastHeartbeat: new Date(hosts.get(h.id)!.seen).toISOString(),
        }));
    },

    runToCompletion(o: Parameters<TExecClient["runToCompletion"]>[0]) {
      return runToCompletion(client, o);
    },

    stats,

    async disconnect(): Promise<void> {
      const c = connecting;
      connecting = undefined;
      if (c) await (await c.catch(() => null))?.drain().catch(() => {});
    },
  };
  return client;
}

/** The server's own answer when nobody subscribes to a request's subject. */
function isNoResponders(m: Msg): boolean {
  return m.headers?.code === 503 && !m.headers.get("Cellar-Status");
}

function refusal(status: number, data: Uint8Array, headers: MsgHdrs | undefined): ExecError {
  let code = "ERROR";
  let message = `the execution host answered ${status}`;
  let kernels: string[] | undefined;
  try {
    ({ code, message, kernels } = ZErrorBody.parse(decodeJson(data)).error);
  } catch {
    // not our error shape
  }
  const retry = Number(headers?.get("Cellar-Retry-After") || NaN);
  return new ExecError(code, message, status, Number.isFinite(retry) ? retry : undefined, { kernels });
}
