/**
 * The execution service on NATS (docs/scale.md): beside (or instead of) the HTTP API, the same
 * operations (operations.ts) on the same Registry, for a site that reaches its hosts through NATS.
 * - every second a heartbeat on `<prefix>.hosts.hb.<id>` (and at once when a site pings);
 * - new sessions from the queue group `hosts` on `<prefix>.exec.create`, which this host leaves
 *   while it has no room and joins again when it has (a creation that races in is refused with
 *   a 503 and the site tries another host);
 * - a session's operations on `<prefix>.exec.<host>.<session>.<op>`, its messages published on
 *   `<prefix>.ev.<host>.<session>`;
 * - a session's files come by tree key from the object store `<prefix>-trees` (tree-cache.ts),
 *   never inline.
 */
import { headers, nuid, type Msg, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { Objm } from "@nats-io/obj";
import { z } from "zod";
import { ZExecuteHttpRequest, ZSharedScope, isDeadStatus, type TSessionEvent } from "@/lib/exec/protocol";
import {
  CREATE_QUEUE,
  decodeJson,
  encodeJson,
  natsSubjects,
  partSize,
  publishParts,
  SESSION_OPS,
  type THeartbeat,
  type TSessionOp,
} from "@/lib/exec/nats/wire";
import { createSession, findSession, INTERNAL_ERROR, ServiceError, sessionOperation, toServiceError, type TReply } from "@/lib/exec/service/operations";
import type { Registry } from "@/lib/exec/service/registry";
import type { Session } from "@/lib/exec/service/session";
import { TreeCache, ZTreeKey } from "@/lib/exec/service/tree-cache";

const HEARTBEAT_MS = 1000;
/** How often room for new sessions is checked (joining or leaving the queue group). */
const ROOM_CHECK_MS = 200;

/** A creation through NATS: like `POST /sessions`, with the files' tree key instead of the files. */
export const ZNatsCreateRequest = z.object({
  kernel: z.string().default("python"),
  /** The snippet's tree in `<prefix>-trees`; absent: no files. */
  tree: ZTreeKey.optional(),
  client: z.string().max(200).default("anonymous"),
  execute: ZExecuteHttpRequest.optional(),
  shared: ZSharedScope.nullable().optional(),
});

export type TNatsHostOptions = {
  nc: NatsConnection;
  prefix: string;
  hostId: string;
  registry: Registry;
  kernels: string[];
  /** Sessions this host may hold at once (EXEC_MAX_SESSIONS). */
  capacity: number;
  execDir: string;
  treeCacheBytes: number;
  log: (line: string) => void;
};

export type TNatsHost = { close: () => Promise<void>; heartbeat: () => THeartbeat; trees: TreeCache };

/** Serves `registry` on NATS until `close`. */
export async function startNatsHost(o: TNatsHostOptions): Promise<TNatsHost> {
  const { nc, registry, hostId } = o;
  if (!/^[a-z0-9]{1,16}$/.test(hostId)) throw new Error("EXEC_HOST_ID is required with NATS_URL: 1–16 lowercase letters or digits, one per host");
  const subjects = natsSubjects(o.prefix);
  const objm = new Objm(nc);
  let bucket: Awaited<ReturnType<Objm["open"]>> | undefined;
  const trees = new TreeCache(o.execDir, o.treeCacheBytes, async (key) => {
    // Opened without a check: a host may only read the bucket (docs/nats/cellar.conf).
    bucket ??= await objm.open(subjects.treesBucket, false);
    return bucket.getBlob(key);
  });

  /** Creations being handled now: each will hold a slot, so they count against the room left. */
  let creating = 0;
  /** This host's live sessions (all come through NATS): those starting or with cells to run take a slot. */
  const mine = new Set<Session>();
  const heartbeat = (): THeartbeat => {
    const stats = registry.stats();
    return {
      id: hostId,
      kernels: o.kernels,
      capacity: o.capacity,
      free: Math.max(0, o.capacity - [...mine].filter((s) => s.busy).length - stats.queue - creating),
      sessions: stats.sessions,
      at: Date.now(),
      trees: { ...trees.stats },
    };
  };
  const beat = () => nc.publish(subjects.heartbeat(o.hostId), encodeJson(heartbeat()));

  /** Replies to a request with `{status, body}` (errors as `{error}`), in parts when large. */
  const reply = async (m: Msg, r: TReply, extra: Record<string, string> = {}) => {
    if (!m.reply) return;
    await publishParts(nc, m.reply, r.body === null ? new Uint8Array(0) : encodeJson(r.body), { "Cellar-Status": String(r.status), ...extra });
  };
  const replyError = async (m: Msg, e: unknown) => {
    const err = toServiceError(e);
    if (!err) o.log(`${m.subject}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    const refusal = err ?? INTERNAL_ERROR;
    const retry = refusal.retryAfter;
    await reply(m, { status: refusal.status, body: refusal.body() }, retry === undefined ? {} : { "Cellar-Retry-After": String(retry) });
  };
  const parseRequest = (m: Msg): unknown => {
    if (m.data.length === 0) return {};
    try {
      return decodeJson(m.data);
    } catch {
      throw new ServiceError(400, "BAD_REQUEST", "the request body is not JSON");
    }
  };

  /** Forwards a session's messages as they happen, one after another (a large one in parts). */
  const forward = (session: Session) => {
    const subject = subjects.events(hostId, session.id);
    let chain = Promise.resolve();
    // Live only: a site asks for what came before with `events` (it subscribes first).
    const stop = session.subscribe(Number.MAX_SAFE_INTEGER, (event: TSessionEvent) => {
      chain = chain.then(() => publishParts(nc, subject, encodeJson(event))).catch((e: Error) => o.log(`publishing ${subject}: ${e.message}`));
      if (isDeadStatus(event.message)) {
        stop();
        mine.delete(session);
      }
    });
  };

  const onCreate = async (m: Msg) => {
    let counted = false;
    try {
      // Refused at once rather than queued here: the site tries another host.
      if (heartbeat().free <= 0) {
        throw new ServiceError(503, "UNAVAILABLE", "This execution host is full; another may have room.", { "Retry-After": "1" });
      }
      creating++;
      counted = true;
      checkRoom();
      const body = ZNatsCreateRequest.safeParse(parseRequest(m));
      if (!body.success)
        throw new ServiceError(400, "BAD_REQUEST", `${body.error.issues[0]?.path.join(".") || "body"}: ${body.error.issues[0]?.message ?? "invalid"}`);
      const files = body.data.tree === undefined ? [] : await trees.files(body.data.tree);
      if (files === null) throw new ServiceError(422, "UNKNOWN_TREE", `the tree ${body.data.tree} is not in ${subjects.treesBucket}`);
      const { reply: r, session } = await createSession(registry, {
        kernel: body.data.kernel,
        files,
        client: body.data.client,
        execute: body.data.execute,
        shared: body.data.shared ?? null,
      });
      if (session.state !== "dead") mine.add(session);
      forward(session);
      await reply(m, { status: r.status, body: r.body });
    } catch (e) {
      await replyError(m, e);
    } finally {
      if (counted) creating--;
    }
  };

  const onSessionOp = async (m: Msg) => {
    try {
      // <prefix>.exec.<host>.<session>.<op>
      const tokens = m.subject.split(".");
      const op = tokens[4] as TSessionOp;
      if (tokens.length !== 5 || !SESSION_OPS.includes(op)) throw new ServiceError(404, "NOT_FOUND", `no operation ${m.subject}`);
      const session = findSession(registry, tokens[3]!);
      const body = parseRequest(m);
      if (op === "events") {
        const after = z.object({ after: z.number().int().nonnegative().default(0) }).safeParse(body);
        if (!after.success) throw new ServiceError(400, "BAD_REQUEST", "after must be a whole number");
        const backlog: TSessionEvent[] = [];
        session.subscribe(after.data.after, (e) => backlog.push(e))(); // the backlog is replayed at once
        return await reply(m, { status: 200, body: backlog });
      }
      if (op === "file") return await sendFile(m, session, body);
      await reply(m, await sessionOperation(session, op, body));
    } catch (e) {
      await replyError(m, e);
    }
  };

  /** A file of the session's working directory, in parts of at most max_payload. */
  const sendFile = async (m: Msg, session: Session, body: unknown) => {
    const name = z.object({ name: z.string().min(1).max(4096) }).safeParse(body);
    if (!name.success) throw new ServiceError(400, "BAD_REQUEST", "name: the file's path is required");
    const file = await session.openFile(name.data.name);
    if (!file) throw new ServiceError(404, "NOT_FOUND", `no file "${name.data.name}" in this session`);
    try {
      const size = partSize(nc);
      const parts = Math.max(1, Math.ceil(file.size / size));
      const id = nuid.next();
      const buffer = Buffer.alloc(Math.min(size, Math.max(1, file.size)));
      for (let i = 0; i < parts; i++) {
        const { bytesRead } = await file.handle.read(buffer, 0, Math.min(size, file.size - i * size), i * size);
        const h = headers();
        h.set("Cellar-Id", id);
        h.set("Cellar-Part", String(i));
        h.set("Cellar-Parts", String(parts));
        if (i === 0) {
          h.set("Cellar-Status", "200");
          h.set("Cellar-Size", String(file.size));
        }
        nc.publish(m.reply!, buffer.subarray(0, bytesRead), { headers: h });
        if (i % 4 === 3) await nc.flush();
      }
    } finally {
      await file.handle.close();
    }
  };

  const subs: Subscription[] = [];
  const serve = (sub: Subscription, handler: (m: Msg) => Promise<void>) => {
    // A subscription the server refuses (permissions) ends its iterator with the error: say so, once.
    (async () => {
      for await (const m of sub) void handler(m);
    })().catch((e: Error) => o.log(`NATS subscription ${sub.getSubject()} ended: ${e.message}`));
    return sub;
  };
  subs.push(serve(nc.subscribe(subjects.hostOps(hostId)), onSessionOp));
  subs.push(serve(nc.subscribe(subjects.ping), async () => beat()));
  let createSub: Subscription | null = null;
  const checkRoom = () => {
    const room = heartbeat().free > 0;
    if (room && !createSub) createSub = serve(nc.subscribe(subjects.create, { queue: CREATE_QUEUE }), onCreate);
    else if (!room && createSub) {
      createSub.unsubscribe();
      createSub = null;
    }
  };
  checkRoom();
  await nc.flush(); // subscribed before the first heartbeat says this host is there
  beat();
  const beating = setInterval(beat, HEARTBEAT_MS);
  const rooming = setInterval(checkRoom, ROOM_CHECK_MS);
  o.log(`on NATS as host "${hostId}" (subjects ${o.prefix}.exec.${hostId}.>, ${o.prefix}.exec.create)`);

  return {
    heartbeat,
    trees,
    close: async () => {
      clearInterval(beating);
      clearInterval(rooming);
      createSub?.unsubscribe();
      for (const s of subs) s.unsubscribe();
      await nc.flush().catch(() => {});
    },
  };
}
