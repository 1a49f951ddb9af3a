/**
 * The NATS configuration we ship (docs/nats/cellar.conf) on a private nats-server (random port,
 * JetStream in a temp dir): wrong credentials are refused with a message naming them; a host
 * may not listen to another host's subjects nor publish as another host; and with exactly
 * these permissions a real host and the site run a snippet with shipped files and download a
 * file of several parts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TNatsEnv } from "@/lib/exec/config";
import { createNatsExecClient } from "@/lib/exec/nats-client";
import { connectNats, hostInboxPrefix } from "@/lib/exec/nats/wire";
import { NatsSharedStore } from "@/lib/shared/nats-store";
import { freePort } from "@/test/e2e/support/free-port";
import { natsReachable, startHost, type TTestHost } from "@/test/support/nats-hosts";
import { natsSkip, sandboxSkip } from "@/test/support/sandbox-required";

const NATS_SERVER = "/usr/sbin/nats-server";
const why = !existsSync(NATS_SERVER)
  ? natsSkip("nats-server is not installed (apt-get install nats-server)")
  : !existsSync("/usr/bin/bwrap")
    ? sandboxSkip("bubblewrap (/usr/bin/bwrap) is not installed")
    : process.getuid?.() !== 0
      ? sandboxSkip("the execution hosts need root (cgroups)")
      : undefined;
if (why) console.warn(`nats-auth.test.ts: skipped: ${why}`);

let dir: string;
let server: ChildProcess | undefined;
let url: string;
let host: TTestHost | undefined;

const as = (user: string, password: string): TNatsEnv => ({ servers: [url], auth: { kind: "user", user, password }, prefix: "cellar" });

beforeAll(async () => {
  if (why) return;
  dir = mkdtempSync(path.join(tmpdir(), "cellar-nats-auth-"));
  const conf = readFileSync("docs/nats/cellar.conf", "utf8").replace("/var/lib/nats/jetstream", path.join(dir, "js"));
  writeFileSync(path.join(dir, "cellar.conf"), conf);
  const port = await freePort();
  url = `nats://127.0.0.1:${port}`;
  server = spawn(NATS_SERVER, ["-c", path.join(dir, "cellar.conf"), "-a", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  for (let i = 0; i < 100 && !(await natsReachable(url)); i++) await new Promise((r) => setTimeout(r, 100));
}, 30_000);

afterAll(async () => {
  await host?.stop();
  server?.kill("SIGTERM");
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(why)("the shipped NATS configuration", () => {
  it("lets the site keep shared values in its bucket, and no host near it", async () => {
    const store = new NatsSharedStore({ nats: as("site", "change-me-site") });
    const value = { text: '{"best":1}', kind: "json" as const, size: 10 };
    try {
      const revision = await store.set("snippet1", "k", value, { writer: null, maxKeys: 100 });
      expect(await store.get("snippet1", "k")).toMatchObject({ text: '{"best":1}', revision });
    } finally {
      await store.close();
    }
    const hostStore = new NatsSharedStore({ nats: as("a", "change-me-a") });
    try {
      await expect(hostStore.get("snippet1", "k")).rejects.toMatchObject({ code: "UNAVAILABLE" });
    } finally {
      await hostStore.close();
    }
  });

  it("refuses wrong credentials with a message that says so", async () => {
    await expect(connectNats(as("a", "wrong"), "test")).rejects.toThrow(`NATS at ${url} refused the user credentials from NATS_*`);
    await expect(connectNats({ servers: [url], auth: { kind: "none" }, prefix: "cellar" }, "test")).rejects.toThrow(/refused no credentials/);
  });

  it("keeps a host to its own subjects", async () => {
    const a = await connectNats(as("a", "change-me-a"), "host a", { inboxPrefix: hostInboxPrefix("a") });
    const site = await connectNats(as("site", "change-me-site"), "site");
    try {
      // Listening to another host's requests, or to the site's inboxes, is refused.
      for (const subject of ["cellar.exec.b.>", "cellar.exec.b.x.execute", "_INBOX.>", "cellar.ev.>"]) {
        const sub = a.subscribe(subject);
        await expect(
          (async () => {
            for await (const m of sub) void m;
          })(),
        ).rejects.toThrow(/Permissions Violation for Subscription/);
      }
      // Publishing as host b (its events, its heartbeat) goes nowhere; as itself, it arrives.
      const heard: string[] = [];
      const sub = site.subscribe("cellar.ev.>", { callback: (_e, m) => void heard.push(m.subject) });
      const beats = site.subscribe("cellar.hosts.hb.*", { callback: (_e, m) => void heard.push(m.subject) });
      await site.flush();
      a.publish("cellar.ev.b.fake", "x");
      a.publish("cellar.ev.a.real", "x");
      a.publish("cellar.hosts.hb.b", "x");
      a.publish("cellar.hosts.hb.a", "x");
      await a.flush();
      await new Promise((r) => setTimeout(r, 500));
      expect(heard.sort()).toEqual(["cellar.ev.a.real", "cellar.hosts.hb.a"]);
      sub.unsubscribe();
      beats.unsubscribe();
    } finally {
      await a.close();
      await site.close();
    }
  });

  it("is enough for a host and the site: a run with shipped files, and a file of several parts", async () => {
    host = startHost("a", "cellar", { NATS_URL: url, NATS_USER: "a", NATS_PASSWORD: "change-me-a", EXEC_FILES_BYTES: String(16 * 1024 * 1024) });
    const site = createNatsExecClient(as("site", "change-me-site"));
    try {
      for (let i = 0; !(await site.hosts()).some((h) => h.id === "a"); i++) {
        if (i > 300) throw new Error(`host a did not come up: ${host.log()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const r = await site.runToCompletion({
        files: [{ path: "in.txt", content: "21" }],
        code: "n = int(open('in.txt').read()) * 2\nprint(n)\n_ = open('out.bin', 'wb').write(bytes(3 * 1024 * 1024))",
        client: "auth",
      });
      expect(r.status, JSON.stringify(r.outputs)).toBe("ok");
      expect(r.host).toBe("a");
      expect(r.outputs).toEqual([expect.objectContaining({ name: "stdout", text: "42\n" })]);
      expect((await site.readFile({ session: r.session, name: "out.bin" })).length).toBe(3 * 1024 * 1024);
    } finally {
      await site.disconnect();
    }
  }, 120_000);
});
