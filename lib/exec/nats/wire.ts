/**
 * How the site and the execution hosts talk over NATS (docs/scale.md, "Subjects"): the subject
 * names, the connection from NATS_* settings, and replies/events larger than the server's
 * max_payload (1 MB by default) split into parts that the receiver puts together again.
 */
import { connect } from "@nats-io/transport-node";
import { AuthorizationError, credsAuthenticator, headers, nkeyAuthenticator, nuid, type Msg, type MsgHdrs, type NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";
import type { TNatsEnv } from "@/lib/exec/config";

/** Every subject and the trees bucket, under one prefix (NATS_PREFIX). */
export function natsSubjects(prefix: string) {
  return {
    /**
     * Host `id` publishes its heartbeat on `<prefix>.hosts.hb.<id>` every second; the site
     * listens to all of them (`heartbeats`) and takes the id from the subject, which the NATS
     * permissions tie to the host's credentials (docs/nats/cellar.conf), never from the body.
     */
    heartbeat: (host: string) => `${prefix}.hosts.hb.${host}`,
    heartbeats: `${prefix}.hosts.hb.*`,
    /** A site asks every host for a heartbeat now (it just started). */
    ping: `${prefix}.hosts.ping`,
    /** New sessions: the hosts with room take them in queue group `hosts`. */
    create: `${prefix}.exec.create`,
    /** Everything about one session, on the host that holds it. */
    op: (host: string, session: string, op: TSessionOp) => `${prefix}.exec.${host}.${session}.${op}`,
    /** What one host serves (its sessions' operations). */
    hostOps: (host: string) => `${prefix}.exec.${host}.>`,
    /** A session's messages as they happen. */
    events: (host: string, session: string) => `${prefix}.ev.${host}.${session}`,
    /** JetStream object store of the snippets' file trees, by tree key. */
    treesBucket: `${prefix}-trees`,
  };
}

export const SESSION_OPS = ["execute", "interact", "complete", "inspect", "interrupt", "close", "files", "file", "events"] as const;
export type TSessionOp = (typeof SESSION_OPS)[number];

/** The queue group of hosts taking new sessions. */
export const CREATE_QUEUE = "hosts";

/**
 * Connects with the NATS_* credentials. A host passes `inboxPrefix` `_INBOX_<id>`: the shipped
 * configuration (docs/nats/cellar.conf) lets each host read only its own inboxes. A refusal of the credentials becomes an Error saying so
 * plainly (the server's "Authorization Violation" alone names no setting).
 */
export async function connectNats(env: TNatsEnv, name: string, o: { inboxPrefix?: string } = {}): Promise<NatsConnection> {
  const auth = env.auth;
  try {
    return await connect({
      servers: env.servers,
      name,
      ...(o.inboxPrefix ? { inboxPrefix: o.inboxPrefix } : {}),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      ...(auth.kind === "user" ? { user: auth.user, pass: auth.password } : {}),
      ...(auth.kind === "token" ? { token: auth.token } : {}),
      ...(auth.kind === "nkey" ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(auth.seed)) } : {}),
      ...(auth.kind === "creds" ? { authenticator: credsAuthenticator(new TextEncoder().encode(auth.creds)) } : {}),
    });
  } catch (e) {
    if (e instanceof AuthorizationError || /authoriz|authenticat/i.test((e as Error).message)) {
      const how =
        auth.kind === "none"
          ? "no credentials (set NATS_USER/NATS_PASSWORD, NATS_TOKEN, NATS_NKEY_SEED or NATS_CREDS)"
          : `the ${auth.kind} credentials from NATS_*`;
      throw new Error(`NATS at ${env.servers.join(", ")} refused ${how}: ${(e as Error).message}`, { cause: e });
    }
    throw new Error(`cannot reach NATS at ${env.servers.join(", ")}: ${(e as Error).message}`, { cause: e });
  }
}

/** The inboxes of host `id` (its JetStream answers come there): `_INBOX_<id>`. */
export function hostInboxPrefix(id: string): string {
  return `_INBOX_${id}`;
}

/** Room kept in each part for headers and protocol. */
const PART_SLACK = 8 * 1024;

/** The largest payload of one part on `nc`. */
export function partSize(nc: NatsConnection): number {
  return Math.max(64 * 1024, (nc.info?.max_payload ?? 1024 * 1024) - PART_SLACK);
}

/**
 * Publishes `data` on `subject` in as many parts as max_payload needs, each with headers
 * `Cellar-Id` (one id per whole), `Cellar-Part` (0-based) and `Cellar-Parts`; `first` goes on the
 * first part (e.g. a reply's status). Flushes every few parts, so a 20 MB file does not sit in
 * the client's buffer whole.
 */
export async function publishParts(nc: NatsConnection, subject: string, data: Uint8Array, first: Record<string, string> = {}): Promise<void> {
  const size = partSize(nc);
  const parts = Math.max(1, Math.ceil(data.length / size));
  const id = nuid.next();
  for (let i = 0; i < parts; i++) {
    const h = headers();
    h.set("Cellar-Id", id);
    h.set("Cellar-Part", String(i));
    h.set("Cellar-Parts", String(parts));
    if (i === 0) for (const [k, v] of Object.entries(first)) h.set(k, v);
    nc.publish(subject, data.subarray(i * size, (i + 1) * size), { headers: h });
    if (parts > 4 && i % 4 === 3) await nc.flush();
  }
}

/** Puts parts (of `publishParts`) back together: `add` answers the whole once its last part is in. */
export class Reassembler {
  private readonly pending = new Map<string, { parts: Uint8Array[]; first: MsgHdrs | undefined }>();

  add(m: Msg): { data: Uint8Array; headers: MsgHdrs | undefined } | null {
    const id = m.headers?.get("Cellar-Id");
    const part = Number(m.headers?.get("Cellar-Part") ?? 0);
    const parts = Number(m.headers?.get("Cellar-Parts") ?? 1);
    if (!id || parts <= 1) return { data: m.data, headers: m.headers };
    let entry = this.pending.get(id);
    if (!entry) {
      entry = { parts: [], first: undefined };
      this.pending.set(id, entry);
    }
    entry.parts[part] = m.data;
    if (part === 0) entry.first = m.headers;
    if (entry.parts.filter(Boolean).length < parts) return null;
    this.pending.delete(id);
    return { data: Buffer.concat(entry.parts), headers: entry.first };
  }
}

/** A host's heartbeat (also its answer to a ping); checked by the site, which trusts its hosts' subjects, not their bodies. */
export const ZHeartbeat = z.object({
  id: z.string(),
  kernels: z.array(z.string().max(64)).max(64),
  /** Sessions it may hold at once. */
  capacity: z.number().int().min(0),
  /** Room for new sessions now (capacity less the sessions running a cell and the creations waiting). */
  free: z.number().int(),
  sessions: z.number().int().min(0),
  /** Its clock, ms since the epoch. */
  at: z.number(),
  /** Snippet trees fetched from the bucket, and served from its disk cache, since it started. */
  trees: z.object({ fetched: z.number().int(), cached: z.number().int() }),
});
export type THeartbeat = z.infer<typeof ZHeartbeat>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(decoder.decode(data));
}
