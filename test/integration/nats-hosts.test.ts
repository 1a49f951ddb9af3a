/**
 * Execution hosts on NATS JetStream (docs/scale.md), with the machine's NATS server and real
 * hosts as separate processes (bwrap, Python, cgroups): new runs spread over the hosts and each
 * names its host; the site lists the live hosts; a host killed mid-run ends its session with the
 * host-stopped message and the next run succeeds on another host; a host that joins takes work at
 * once; a tree is shipped once and then served from the host's cache; a 3 MB output and a 20 MB
 * file cross NATS (max_payload 1 MB).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execClient, resetExecClientForTests } from "@/lib/exec/client";
import { resetExecConfigForTests } from "@/lib/exec/config";
import { createNatsExecClient, HOST_LOST_MESSAGE } from "@/lib/exec/nats-client";
import { listExecHosts } from "@/lib/runs/list-exec-hosts";
import { cellEvents } from "@/lib/exec/service/testing";
import { runEvents } from "@/lib/runs/run-events";
import { ZJupyterMessage, isMsgType } from "@/lib/exec/protocol";
import { EMPTY_LOG, applyMessage } from "@/lib/runs/run-log";
import { statusLine } from "@/components/run/run-status";
import { endMessage } from "@/components/interact/interact-values";
import { natsSkip, sandboxSkip } from "@/test/support/sandbox-required";
import { natsReachable, removeRunStreams, siteNats, startHost, uniquePrefix, type TTestHost } from "@/test/support/nats-hosts";
import { existsSync } from "node:fs";

const why = !existsSync("/usr/bin/bwrap")
  ? sandboxSkip("bubblewrap (/usr/bin/bwrap) is not installed")
  : process.getuid?.() !== 0
    ? sandboxSkip("the execution hosts need root (cgroups)")
    : (await natsReachable())
      ? undefined
      : natsSkip("NATS is not running on 127.0.0.1:4222 (apt-get install nats-server; run it with -js)");
if (why) console.warn(`nats-hosts.test.ts: skipped: ${why}`);

const prefix = uniquePrefix();
/** Room for a 3 MB image in a cell's output, and for a 20 MB file. */
const HOST_ENV = { EXEC_OUTPUT_BYTES: String(8 * 1024 * 1024), EXEC_FILES_BYTES: String(64 * 1024 * 1024), EXEC_MEMORY_MB: "256" };
const hosts = new Map<string, TTestHost>();
let site: ReturnType<typeof createNatsExecClient>;

async function waitFor<T>(what: string, get: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await get();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitForHosts(ids: string[]): Promise<void> {
  await waitFor(`hosts ${ids.join(", ")}`, async () => {
    const live = (await site.hosts()).map((h) => h.id);
    return ids.every((id) => live.includes(id));
  });
}

beforeAll(async () => {
  if (why) return;
  site = createNatsExecClient(siteNats(prefix));
  for (const id of ["a", "b"]) hosts.set(id, startHost(id, prefix, HOST_ENV));
  await waitForHosts(["a", "b"]);
}, 120_000);

afterAll(async () => {
  await site?.disconnect();
  await Promise.all([...hosts.values()].map((h) => h.stop()));
  if (!why) await removeRunStreams(prefix);
}, 60_000);

describe.skipIf(why)("execution hosts on NATS", () => {
  it("spreads runs over the hosts, names the host of each, and finds a session again on its host", async () => {
    // One session at a time, each closed before the next: a host holds at most EXEC_MAX_SESSIONS
    // (4) and makes room by ending its least recently used idle session, which a test holding
    // six at once would meet whenever the queue group sent five to one host.
    const hostsSeen: string[] = [];
    // The queue group picks a host at random: six runs, then more until both hosts had one
    // (all 20 on one host: about 1 in a million).
    for (let i = 0; i < 20 && (i < 6 || new Set(hostsSeen).size < 2); i++) {
      const word = `run${i}`;
      const created = await site.createSession({ files: [], client: `spread-${word}`, execute: { code: `word = '${word}'` } });
      expect(created.session.startsWith(`${created.host}-`)).toBe(true);
      hostsSeen.push(created.host);
      await cellEvents(site, created.session, created.msg_id!);
      // A later cell reaches the process that holds the namespace: the variable is still there.
      const { msg_id: second } = await site.execute({ session: created.session, code: "print(word)" });
      const events = await cellEvents(site, created.session, second);
      const text = events.flatMap((e) => (isMsgType(e.message, "stream") ? [e.message.content.text] : [])).join("");
      expect(text).toBe(`${word}\n`);
      await site.close({ session: created.session });
    }
    expect(new Set(hostsSeen)).toEqual(new Set(["a", "b"]));
  }, 120_000);

  it("lists the live hosts with their kernels and room, and no addresses", async () => {
    const list = await site.hosts();
    expect(list.map((h) => h.id)).toEqual(["a", "b"]);
    for (const h of list) {
      expect(h.kernels).toContain("python");
      expect(h.capacity).toBe(4);
      expect(h.free).toBeGreaterThan(0);
      expect(Date.now() - Date.parse(h.lastHeartbeat)).toBeLessThan(3000);
      expect(JSON.stringify(h)).not.toMatch(/127\.0\.0\.1|nats:/);
    }
    // The site's own client comes from the settings: NATS_URL set, it is the NATS one.
    const saved = { NATS_URL: process.env.NATS_URL, NATS_PREFIX: process.env.NATS_PREFIX };
    Object.assign(process.env, { NATS_URL: siteNats(prefix).servers[0], NATS_PREFIX: prefix });
    resetExecConfigForTests();
    resetExecClientForTests();
    try {
      expect((await listExecHosts()).map((h) => h.id)).toEqual(["a", "b"]);
    } finally {
      await (execClient() as Partial<ReturnType<typeof createNatsExecClient>>).disconnect?.();
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      resetExecConfigForTests();
      resetExecClientForTests();
    }
  });

  it("ships a snippet's tree once; the next session of the same tree is served from the host's cache", async () => {
    const files = [{ path: "data/numbers.txt", content: "1 2 3\n" }];
    const tree = "0123456789abcdef0123456789abcdef01234567";
    const before = site.stats.treesUploaded;
    const run = async () => {
      const r = await site.runToCompletion({ files, tree, code: "print(sum(map(int, open('data/numbers.txt').read().split())))", client: "tree" });
      expect(r.status).toBe("ok");
      expect(r.outputs).toEqual([expect.objectContaining({ name: "stdout", text: "6\n" })]);
      return r.host;
    };
    const first = await run();
    expect(site.stats.treesUploaded).toBe(before + 1);
    // Until the same host takes the tree again (the queue group picks hosts at random).
    let again = await run();
    for (let i = 0; i < 10 && again !== first; i++) again = await run();
    expect(again).toBe(first);
    expect(site.stats.treesUploaded).toBe(before + 1);
    const hb = await waitFor("a heartbeat with the cache hit", async () => {
      const seen = (await site.health()).length > 0 && (await site.hosts()).find((h) => h.id === first);
      return seen;
    });
    expect(hb.id).toBe(first);
    // The host's own counters: fetched from the bucket once, then from disk.
    const counters = await waitFor("the host's tree counters", async () => {
      const h = await heartbeatOf(first);
      return h && h.trees.cached >= 1 ? h.trees : undefined;
    });
    expect(counters.fetched).toBe(1);
  }, 120_000);

  it("ships a tree again when a host finds it gone from the bucket", async () => {
    const files = [{ path: "n.txt", content: "41\n" }];
    const tree = "fedcba9876543210fedcba9876543210fedcba98";
    const before = site.stats.treesUploaded;
    const run = () => site.runToCompletion({ files, tree, code: "print(int(open('n.txt').read()) + 1)", client: "tree-gone" });
    const first = await run();
    expect(site.stats.treesUploaded).toBe(before + 1);
    // The bucket loses the tree (purged, or a fresh JetStream store); the first host still has it on disk.
    const { connect } = await import("@nats-io/transport-node");
    const { Objm } = await import("@nats-io/obj");
    const nc = await connect({ servers: siteNats(prefix).servers });
    try {
      await (await new Objm(nc).open(`${prefix}-trees`)).delete(tree);
    } finally {
      await nc.close();
    }
    // A run on the other host asks the bucket, finds nothing, and the site ships the tree again.
    let other = await run();
    for (let i = 0; i < 12 && other.host === first.host; i++) other = await run();
    expect(other.host).not.toBe(first.host);
    expect(other.status).toBe("ok");
    expect(other.outputs).toEqual([expect.objectContaining({ name: "stdout", text: "42\n" })]);
    expect(site.stats.treesUploaded).toBe(before + 2);
  }, 120_000);

  it("carries a 3 MB image output and a 20 MB file through NATS", async () => {
    const code = [
      "import os",
      "from cellar import Image",
      "display(Image(b'\\x89PNG\\r\\n\\x1a\\n' + os.urandom(3 * 1024 * 1024)))",
      "open('big.bin', 'wb').write(bytes(range(256)) * (20 * 1024 * 4))",
    ].join("\n");
    const r = await site.runToCompletion({ files: [], code, client: "big", timeout: 60 });
    expect(r.status).toBe("ok");
    const image = r.outputs.find((o) => o.output_type === "display_data") as { data: Record<string, string> } | undefined;
    expect(Buffer.from(image?.data["image/png"] ?? "", "base64").length).toBe(3 * 1024 * 1024 + 8);
    const file = r.files.find((f) => f.name === "big.bin");
    expect(file?.size).toBe(20 * 1024 * 1024);
    const bytes = await site.readFile({ session: r.session, name: "big.bin" });
    expect(bytes.length).toBe(20 * 1024 * 1024);
    expect(bytes[12345]).toBe(12345 % 256);
    expect(bytes[bytes.length - 1]).toBe(255);
  }, 120_000);

  it("ends a killed host's session with the host-stopped message, and the next run succeeds on another host", async () => {
    const created = await site.createSession({ files: [], client: "doomed", execute: { code: "import time\nprint('started', flush=True)\ntime.sleep(120)" } });
    const victim = hosts.get(created.host)!;
    const abort = new AbortController();
    const reader = (await runEvents({ session: created.session, after: undefined, signal: abort.signal, client: site })).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("started")) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the stream ended before the cell printed: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    victim.child.kill("SIGKILL");
    const killedAt = Date.now();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    // What the page makes of the stream: the cell ended, and the status line says the host stopped.
    let log = EMPTY_LOG;
    for (const event of text.split("\n\n")) {
      const id = /^id: (\d+)$/m.exec(event)?.[1];
      const data = /^data: (.*)$/m.exec(event)?.[1];
      if (id !== undefined && data !== undefined) log = applyMessage(log, Number(id), ZJupyterMessage.parse(JSON.parse(data)), Date.now());
    }
    expect(log.dead, `the stream: ${text}`).toBe(true);
    expect(log.end?.reason).toBe("lost");
    expect(log.cells.at(-1)?.state).toBe("aborted");
    expect(statusLine("open", log)).toBe(HOST_LOST_MESSAGE);
    expect(endMessage(log.end)).toBe("This interact stopped: the execution host running it stopped. Press Run again.");
    expect(text).toContain(`"message":"${HOST_LOST_MESSAGE}"`);
    // New runs go to the living host (the dead one's queue subscription went with its connection).
    const next = await site.runToCompletion({ files: [], code: "print('after')", client: "after-kill" });
    expect(next.status).toBe("ok");
    expect(next.host).not.toBe(victim.id);
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    await waitFor("the killed host to leave the list", async () => !(await site.hosts()).some((h) => h.id === victim.id), 10_000);
    // A page coming back to the dead session hears the same end; a cell sent to it is a 404.
    const again = await runEvents({ session: created.session, after: 2, signal: new AbortController().signal, client: site });
    expect(await new Response(again).text()).toContain(`"message":"${HOST_LOST_MESSAGE}"`);
    await expect(site.execute({ session: created.session, code: "1" })).rejects.toMatchObject({ status: 404 });
    await victim.stop();
    hosts.delete(victim.id);
  }, 120_000);

  it("gives work to a host that joins at once", async () => {
    hosts.set("c", startHost("c", prefix, HOST_ENV));
    await waitForHosts(["c"]);
    const seen = new Set<string>();
    for (let i = 0; i < 12 && !seen.has("c"); i++) {
      const created = await site.createSession({ files: [], client: `join-${i}`, execute: { code: "1" } });
      seen.add(created.host);
      await site.close({ session: created.session });
    }
    expect(seen.has("c")).toBe(true);
  }, 120_000);
});

describe.skipIf(why)("full execution hosts", () => {
  it("leave the queue group while every slot runs a cell, and take work again when one is free", async () => {
    const live = (await site.hosts()).map((h) => h.id);
    const capacity = 4 * live.length;
    const busy = await Promise.all(
      Array.from({ length: capacity }, (_, i) => site.createSession({ files: [], client: `full-${i}`, execute: { code: "import time\ntime.sleep(60)" } })),
    );
    await waitFor("every host to say it is full", async () => (await site.hosts()).every((h) => h.free === 0), 20_000);
    await expect(site.createSession({ files: [], client: "one-too-many", execute: { code: "1" } })).rejects.toMatchObject({
      status: 503,
      message: "All runners are busy; try again in a few seconds.",
    });
    const freed = busy[0]!;
    await site.interrupt({ session: freed.session });
    const next = await site.createSession({ files: [], client: "after-room", execute: { code: "1" } });
    expect(next.host).toBe(freed.host);
    await Promise.all([...busy, next].map((s) => site.close({ session: s.session })));
  }, 120_000);
});

/** The latest heartbeat of host `id` (from a connection of its own). */
async function heartbeatOf(id: string) {
  const { connect } = await import("@nats-io/transport-node");
  const { natsSubjects, decodeJson } = await import("@/lib/exec/nats/wire");
  const nc = await connect({ servers: siteNats(prefix).servers });
  try {
    const sub = nc.subscribe(natsSubjects(prefix).heartbeat(id));
    const timer = setTimeout(() => sub.unsubscribe(), 3000);
    for await (const m of sub) {
      clearTimeout(timer);
      return decodeJson(m.data) as { id: string; trees: { fetched: number; cached: number } };
    }
    return undefined;
  } finally {
    await nc.close();
  }
}
