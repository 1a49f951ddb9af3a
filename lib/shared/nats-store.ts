import "server-only";
import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm, KvWatchInclude, type KV, type KvEntry } from "@nats-io/kv";
import { AppError } from "@/lib/errors";
import type { TNatsEnv } from "@/lib/exec/config";
import { connectNats } from "@/lib/exec/nats/wire";
import { tooManyKeys } from "./db-store";
import { changeQueue, type SharedStore, type TSharedEntry, type TSharedInfo, type TSharedWatch } from "./store";
import { SHARED_LIMITS, ZSharedKind, type TEncodedValue } from "./value";

/**
 * Shared values in a NATS JetStream key-value bucket (`<NATS_PREFIX>-shared`), used when NATS_URL
 * is set. A snippet's key `k` is stored as `<snippetId>.<base64url(k)>` (a key may hold '.',
 * which NATS reads as a level), so `<snippetId>.>` is the snippet's keys. Revisions are the
 * bucket's stream sequence; a put replaces the entry whole; watch is the bucket's own watch.
 *
 * An entry is one line of JSON metadata ({"kind", "writer", "at"}), a newline, then the value's
 * JSON text, so the value is never escaped into a string.
 *
 * The 100-key limit is checked before a put of a new key; two writers adding different new keys
 * at the same instant may pass it by one each (the bucket has no multi-key transaction). The
 * bucket's max value size is the hard bound on a single value.
 */

const META_BYTES = 512;

export class NatsSharedStore implements SharedStore {
  private readonly nats: TNatsEnv;
  private readonly bucket: string;
  private opening: Promise<{ nc: NatsConnection; kv: KV }> | undefined;

  /** `nats`: the process's NATS settings (lib/exec/config.ts, credentials included); `bucket` default `<prefix>-shared`. */
  constructor(options: { nats: TNatsEnv; bucket?: string }) {
    this.nats = options.nats;
    this.bucket = options.bucket ?? `${options.nats.prefix}-shared`;
  }

  private open(): Promise<{ nc: NatsConnection; kv: KV }> {
    this.opening ??= (async () => {
      const nc = await connectNats(this.nats, "cellar-shared");
      try {
        const kv = await new Kvm(nc).create(this.bucket, { history: 1, maxValueSize: SHARED_LIMITS.valueBytes + META_BYTES });
        return { nc, kv };
      } catch (e) {
        await nc.close().catch(() => {});
        throw e;
      }
    })().catch((e: unknown) => {
      this.opening = undefined;
      throw new AppError("UNAVAILABLE", "Shared values are unavailable right now (the message broker cannot be reached).", { cause: e });
    });
    return this.opening;
  }

  private async kv(): Promise<KV> {
    return (await this.open()).kv;
  }

  async get(snippetId: string, key: string): Promise<TSharedEntry | null> {
    const entry = await (await this.kv()).get(natsKey(snippetId, key));
    return entry ? entryOf(key, entry) : null;
  }

  async set(snippetId: string, key: string, value: TEncodedValue, options: { writer: string | null; maxKeys: number }): Promise<number> {
    const kv = await this.kv();
    const full = natsKey(snippetId, key);
    const existing = await kv.get(full);
    if (!existing || existing.operation !== "PUT") {
      let count = 0;
      for await (const k of await kv.keys(`${snippetId}.>`)) if (k !== full) count++;
      if (count >= options.maxKeys) throw tooManyKeys(options.maxKeys);
    }
    const meta = JSON.stringify({ kind: value.kind, writer: options.writer, at: Date.now() });
    return kv.put(full, Buffer.from(`${meta}\n${value.text}`, "utf8"));
  }

  async delete(snippetId: string, key: string): Promise<boolean> {
    const kv = await this.kv();
    const full = natsKey(snippetId, key);
    const existing = await kv.get(full);
    if (!existing || existing.operation !== "PUT") return false;
    await kv.purge(full);
    return true;
  }

  async list(snippetId: string): Promise<TSharedInfo[]> {
    const kv = await this.kv();
    const keys: string[] = [];
    for await (const k of await kv.keys(`${snippetId}.>`)) keys.push(k);
    const infos: TSharedInfo[] = [];
    for (const k of keys) {
      const entry = await kv.get(k);
      const key = keyOf(k);
      if (entry && key !== null) {
        const parsed = entryOf(key, entry);
        if (parsed) {
          const { text: _text, ...info } = parsed;
          infos.push(info);
        }
      }
    }
    return infos.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async clear(snippetId: string): Promise<number> {
    const kv = await this.kv();
    const keys: string[] = [];
    for await (const k of await kv.keys(`${snippetId}.>`)) keys.push(k);
    for (const k of keys) await kv.purge(k);
    return keys.length;
  }

  async watch(snippetId: string, key: string, signal?: AbortSignal): Promise<TSharedWatch> {
    const kv = await this.kv();
    const iterator = await kv.watch({ key: natsKey(snippetId, key), include: KvWatchInclude.UpdatesOnly });
    const queue = changeQueue(() => iterator.stop(), signal);
    void (async () => {
      try {
        for await (const entry of iterator) queue.push({ key, entry: entryOf(key, entry) });
      } catch {
        // The watch ended with the connection; the caller sees the end of the iteration.
      }
      queue.end();
    })();
    return queue.watch;
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    if (!opening) return;
    const { nc } = await opening.catch(() => ({ nc: undefined }));
    await nc?.drain().catch(() => {});
  }

  /** Removes the whole bucket (tests, and an operator starting over). */
  async destroy(): Promise<void> {
    await (await this.kv()).destroy();
    await this.close();
  }
}

export function natsKey(snippetId: string, key: string): string {
  return `${snippetId}.${Buffer.from(key, "utf8").toString("base64url")}`;
}

function keyOf(full: string): string | null {
  const dot = full.indexOf(".");
  return dot < 0 ? null : Buffer.from(full.slice(dot + 1), "base64url").toString("utf8");
}

/** A stored entry read back; null for a deletion (or anything this store did not write). */
function entryOf(key: string, entry: KvEntry): TSharedEntry | null {
  if (entry.operation !== "PUT") return null;
  const raw = Buffer.from(entry.value).toString("utf8");
  const newline = raw.indexOf("\n");
  if (newline < 0) return null;
  try {
    const meta = JSON.parse(raw.slice(0, newline)) as { kind?: unknown; writer?: unknown; at?: unknown };
    const text = raw.slice(newline + 1);
    return {
      key,
      text,
      kind: ZSharedKind.parse(meta.kind),
      size: Buffer.byteLength(text, "utf8"),
      revision: entry.revision,
      updatedAt: new Date(typeof meta.at === "number" ? meta.at : entry.created.getTime()),
      writer: typeof meta.writer === "string" ? meta.writer : null,
    };
  } catch {
    return null;
  }
}
