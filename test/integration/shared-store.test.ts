/**
 * The contract every shared-values store keeps (lib/shared/store.ts), run against the database
 * store (PostgreSQL or PGlite, whichever this run's CELLAR_TEST_DB is) and against a JetStream
 * key-value bucket on the real NATS server at 127.0.0.1:4222 (CELLAR_TEST_NATS_URL), in a bucket
 * of its own that is destroyed afterwards.
 */
import { randomBytes } from "node:crypto";
import { connect } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { DbSharedStore } from "@/lib/shared/db-store";
import { NatsSharedStore, natsKey } from "@/lib/shared/nats-store";
import type { SharedStore, TSharedChange, TSharedWatch } from "@/lib/shared/store";
import { encodeSharedValue } from "@/lib/shared/value";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { createUser } from "@/lib/users/create-user";
import { appError } from "@/test/support/app-error";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

const NATS_URL = process.env.CELLAR_TEST_NATS_URL ?? "nats://127.0.0.1:4222";
const writer = { writer: null, maxKeys: 100 };

/** A snippet row to hang values on (the database store's rows belong to a snippet). */
async function newSnippetId(): Promise<string> {
  const user = await createUser({ username: uniqueName("shared"), password: "correct horse battery" });
  const created = await createSnippet({ actor: { id: user.id, username: user.username }, title: "Shared", files: [{ path: "main.py", content: "1\n" }] });
  return created.id;
}

/** The next change a watch yields, or null when none comes within `ms`. */
async function nextChange(watch: TSharedWatch, ms = 5000): Promise<TSharedChange | null> {
  const iterator = watch[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  const result = await Promise.race([iterator.next().then((r) => (r.done ? null : r.value)), timeout]);
  clearTimeout(timer);
  return result;
}

type TBackend = {
  name: string;
  store: () => SharedStore;
  /** Writes `text` as the value of `key` from another client than `store()` (another connection). */
  writeFromElsewhere: (snippetId: string, key: string, text: string) => Promise<void>;
};

const natsBucket = `cellar-test-${randomBytes(4).toString("hex")}-shared`;
let nats: NatsSharedStore | undefined;
let natsOther: NatsSharedStore | undefined;
const db = new DbSharedStore();

const backends: TBackend[] = [
  {
    name: `database (${process.env.CELLAR_TEST_DB ?? "pg"})`,
    store: () => db,
    writeFromElsewhere: async (snippetId, key, text) => {
      const url = getEnv().databaseUrl;
      const sql = `UPDATE "SharedValue" SET "value" = $3, "size" = length($3), "revision" = nextval(pg_get_serial_sequence('"SharedValue"', 'revision'))
        WHERE "snippetId" = $1 AND "key" = $2`;
      if (url) {
        // Another connection (as another server process would), with the NOTIFY a store write sends.
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query("BEGIN");
          await client.query(sql, [snippetId, key, text]);
          await client.query("SELECT pg_notify('cellar_shared', '')");
          await client.query("COMMIT");
        } finally {
          await client.end();
        }
      } else {
        // PGlite has one process: a write that skips the store (and its in-process wake-up) is seen by polling.
        await getDb().$executeRawUnsafe(sql, snippetId, key, text);
      }
    },
  },
  {
    name: "NATS JetStream key-value",
    store: () => nats!,
    writeFromElsewhere: async (snippetId, key, text) => {
      await natsOther!.set(snippetId, key, { text, kind: "json", size: Buffer.byteLength(text) }, writer);
    },
  },
];

beforeAll(async () => {
  const env = { servers: [NATS_URL], auth: { kind: "none" as const }, prefix: "cellar" };
  nats = new NatsSharedStore({ nats: env, bucket: natsBucket });
  natsOther = new NatsSharedStore({ nats: env, bucket: natsBucket });
});

afterAll(async () => {
  await natsOther?.close();
  await nats?.destroy();
  // The bucket is gone.
  const nc = await connect({ servers: NATS_URL });
  try {
    const buckets: string[] = [];
    for await (const status of new Kvm(nc).list()) buckets.push(status.bucket);
    expect(buckets).not.toContain(natsBucket);
  } finally {
    await nc.close();
  }
});

describe.each(backends)("shared store contract: $name", (backend) => {
  it("sets, gets, replaces (last writer wins) with growing revisions, and deletes", async () => {
    const store = backend.store();
    const id = await newSnippetId();
    expect(await store.get(id, "x")).toBeNull();
    const r1 = await store.set(id, "x", encodeSharedValue({ a: 1 }), { writer: null, maxKeys: 100 });
    const first = await store.get(id, "x");
    expect(first).toMatchObject({ key: "x", text: '{"a":1}', kind: "json", size: 7, revision: r1, writer: null });
    expect(first!.updatedAt).toBeInstanceOf(Date);
    const r2 = await store.set(id, "x", encodeSharedValue([1, 2, 3]), { writer: null, maxKeys: 100 });
    expect(r2).toBeGreaterThan(r1);
    expect((await store.get(id, "x"))!.text).toBe("[1,2,3]");
    expect(await store.delete(id, "x")).toBe(true);
    expect(await store.delete(id, "x")).toBe(false);
    expect(await store.get(id, "x")).toBeNull();
    // A key set again after a delete has a revision above any it had.
    const r3 = await store.set(id, "x", encodeSharedValue("again"), { writer: null, maxKeys: 100 });
    expect(r3).toBeGreaterThan(r2);
  });

  it("keeps each snippet's keys apart, lists them sorted with sizes, and clears one snippet only", async () => {
    const store = backend.store();
    const [a, b] = [await newSnippetId(), await newSnippetId()];
    await store.set(a, "zeta", encodeSharedValue("z"), writer);
    await store.set(a, "alpha.beta", encodeSharedValue({ ok: true }), writer);
    await store.set(b, "zeta", encodeSharedValue("other"), writer);
    const list = await store.list(a);
    expect(list.map((i) => [i.key, i.size, i.kind])).toEqual([
      ["alpha.beta", 11, "json"],
      ["zeta", 3, "json"],
    ]);
    expect(list.every((i) => !("text" in i))).toBe(true);
    expect(await store.clear(a)).toBe(2);
    expect(await store.list(a)).toEqual([]);
    expect((await store.get(b, "zeta"))!.text).toBe('"other"');
  });

  it("stores numpy arrays as their envelope, with kind ndarray", async () => {
    const store = backend.store();
    const id = await newSnippetId();
    const data = Buffer.from(new Float64Array([1.5, 2.5, -3]).buffer).toString("base64");
    await store.set(id, "arr", encodeSharedValue({ __ndarray__: { dtype: "float64", shape: [3], data } }), writer);
    const entry = await store.get(id, "arr");
    expect(entry!.kind).toBe("ndarray");
    const back = JSON.parse(entry!.text) as { __ndarray__: { data: string } };
    expect(Array.from(new Float64Array(new Uint8Array(Buffer.from(back.__ndarray__.data, "base64")).buffer))).toEqual([1.5, 2.5, -3]);
  });

  it("records who wrote a value", async () => {
    const store = backend.store();
    const id = await newSnippetId();
    const user = await createUser({ username: uniqueName("writer"), password: "correct horse battery" });
    await store.set(id, "w", encodeSharedValue(1), { writer: user.id, maxKeys: 100 });
    expect((await store.get(id, "w"))!.writer).toBe(user.id);
    expect((await store.list(id))[0]!.writer).toBe(user.id);
  });

  it("refuses a new key past the key limit, but still replaces existing keys", async () => {
    const store = backend.store();
    const id = await newSnippetId();
    for (const k of ["a", "b", "c"]) await store.set(id, k, encodeSharedValue(k), { writer: null, maxKeys: 3 });
    const refused = await appError(store.set(id, "d", encodeSharedValue("d"), { writer: null, maxKeys: 3 }));
    expect(refused.code).toBe("TOO_LARGE");
    expect(refused.message).toMatch(/at most 3 shared values/);
    await store.set(id, "a", encodeSharedValue("A"), { writer: null, maxKeys: 3 });
    expect((await store.get(id, "a"))!.text).toBe('"A"');
    expect(await store.get(id, "d")).toBeNull();
    await store.delete(id, "b");
    await store.set(id, "d", encodeSharedValue("d"), { writer: null, maxKeys: 3 });
    expect((await store.list(id)).map((i) => i.key)).toEqual(["a", "c", "d"]);
  });

  it("keeps the last of concurrent writes whole, at the highest revision", async () => {
    const store = backend.store();
    const id = await newSnippetId();
    const values = Array.from({ length: 8 }, (_, i) => "v".repeat(1000 * (i + 1)));
    const revisions = await Promise.all(values.map((v) => store.set(id, "race", encodeSharedValue(v), writer)));
    const entry = await store.get(id, "race");
    expect(entry!.revision).toBe(Math.max(...revisions));
    expect(values.map((v) => JSON.stringify(v))).toContain(entry!.text);
    expect(new Set(revisions).size).toBe(revisions.length);
  });

  it("watch sees another writer's change and a deletion, and nothing from other keys or after stop", async () => {
    const store = backend.store();
    const id = await newSnippetId();
    await store.set(id, "w", encodeSharedValue("before"), writer);
    const watch = await store.watch(id, "w");
    await store.set(id, "other", encodeSharedValue("noise"), writer);
    await backend.writeFromElsewhere(id, "w", '"from elsewhere"');
    const change = await nextChange(watch);
    expect(change).toMatchObject({ key: "w", entry: { text: '"from elsewhere"' } });
    await store.delete(id, "w");
    expect(await nextChange(watch)).toEqual({ key: "w", entry: null });
    watch.stop();
    await store.set(id, "w", encodeSharedValue("after stop"), writer);
    expect(await nextChange(watch, 1200)).toBeNull();
  });

  it("watch ends when its signal aborts", async () => {
    const store = backend.store();
    const id = await newSnippetId();
    const controller = new AbortController();
    const watch = await store.watch(id, "k", controller.signal);
    const iterator = watch[Symbol.asyncIterator]();
    const pending = iterator.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});

describe("NATS store layout", () => {
  it("keeps a snippet's key under <snippetId>.<base64url key>, so a dotted key stays one level", async () => {
    const id = await newSnippetId();
    await nats!.set(id, "a.b", encodeSharedValue(1), writer);
    const nc = await connect({ servers: NATS_URL });
    try {
      const kv = await new Kvm(nc).open(natsBucket);
      const keys: string[] = [];
      for await (const k of await kv.keys(`${id}.>`)) keys.push(k);
      expect(keys).toEqual([natsKey(id, "a.b")]);
      expect(keys[0]).toBe(`${id}.YS5i`);
    } finally {
      await nc.close();
    }
  });
});
