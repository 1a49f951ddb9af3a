/**
 * Execution hosts that reach NATS over a real network: each host runs in a network namespace
 * of its own (`ip netns`, a veth pair to this machine), NATS (a private nats-server) listens on
 * this side's veth addresses only, and the site runs cells on both hosts through it; a host
 * killed mid-run ends its session with the host-stopped message, and runs go on on the other.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNatsExecClient, HOST_LOST_MESSAGE } from "@/lib/exec/nats-client";
import { runEvents } from "@/lib/runs/run-events";
import { freePort } from "@/test/e2e/support/free-port";
import { natsReachable, startHost, type TTestHost } from "@/test/support/nats-hosts";
import { natsSkip, sandboxSkip } from "@/test/support/sandbox-required";

const NATS_SERVER = "/usr/sbin/nats-server";
const why = !existsSync(NATS_SERVER)
  ? natsSkip("nats-server is not installed (apt-get install nats-server)")
  : !existsSync("/usr/bin/bwrap")
    ? sandboxSkip("bubblewrap (/usr/bin/bwrap) is not installed")
    : process.getuid?.() !== 0
      ? sandboxSkip("network namespaces and the execution hosts need root")
      : !existsSync("/usr/sbin/ip") || !existsSync("/usr/bin/nsenter")
        ? "ip (iproute2) or nsenter (util-linux) is missing"
        : undefined;
if (why) console.warn(`nats-netns.test.ts: skipped: ${why}`);

/** One namespace per host: `ns`, veth `outside` (this machine, .1) ↔ `inside` (the host, .2) on 10.231.<net>.0/30. */
type TLink = { ns: string; outside: string; inside: string; here: string; there: string };

const tag = (process.pid % 10000).toString(36);
const password = randomBytes(12).toString("hex");
const links: TLink[] = [];
let server: ChildProcess | undefined;
let dir: string | undefined;
const hosts: TTestHost[] = [];
let site: ReturnType<typeof createNatsExecClient> | undefined;

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: "pipe" });
}

function addLink(i: number): TLink {
  const net = process.pid % 200; // one /24 per run, a /30 per host within it
  const link: TLink = {
    ns: `cellar${tag}h${i}`,
    outside: `vc${tag}o${i}`,
    inside: `vc${tag}i${i}`,
    here: `10.231.${net}.${4 * i + 1}`,
    there: `10.231.${net}.${4 * i + 2}`,
  };
  links.push(link);
  ip("netns", "add", link.ns);
  ip("link", "add", link.outside, "type", "veth", "peer", "name", link.inside);
  ip("link", "set", link.inside, "netns", link.ns);
  ip("addr", "add", `${link.here}/30`, "dev", link.outside);
  ip("link", "set", link.outside, "up");
  ip("-n", link.ns, "addr", "add", `${link.there}/30`, "dev", link.inside);
  ip("-n", link.ns, "link", "set", link.inside, "up");
  ip("-n", link.ns, "link", "set", "lo", "up");
  return link;
}

beforeAll(async () => {
  if (why) return;
  const a = addLink(0);
  const b = addLink(1);
  dir = mkdtempSync(path.join(tmpdir(), "cellar-nats-netns-"));
  const port = await freePort();
  // On every address (the two links are two networks), so with a password of this run's own.
  server = spawn(NATS_SERVER, ["-a", "0.0.0.0", "-p", String(port), "-js", "-sd", path.join(dir, "js"), "--user", "cellar", "--pass", password], {
    stdio: "ignore",
  });
  for (let i = 0; i < 100 && !(await natsReachable(`nats://${a.here}:${port}`)); i++) await new Promise((r) => setTimeout(r, 100));
  for (const [id, link] of [
    ["n1", a],
    ["n2", b],
  ] as const) {
    // nsenter --net: only the network namespace (ip netns exec would also remount /sys, hiding the cgroups).
    hosts.push(
      startHost(
        id,
        "cellar",
        { NATS_URL: `nats://${link.here}:${port}`, NATS_USER: "cellar", NATS_PASSWORD: password },
        { wrap: ["/usr/bin/nsenter", `--net=/var/run/netns/${link.ns}`] },
      ),
    );
  }
  site = createNatsExecClient({ servers: [`nats://${a.here}:${port}`], auth: { kind: "user", user: "cellar", password }, prefix: "cellar" });
  for (let i = 0; (await site.hosts()).length < 2; i++) {
    if (i > 400) throw new Error(`the hosts did not come up:\n${hosts.map((h) => h.log()).join("\n")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 150_000);

afterAll(async () => {
  await site?.disconnect();
  await Promise.all(hosts.map((h) => h.stop()));
  server?.kill("SIGTERM");
  for (const link of links) {
    try {
      ip("netns", "del", link.ns); // its end of the veth pair goes with it, and so does ours
    } catch {
      // already gone
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(why)("execution hosts in network namespaces", () => {
  it("run cells for the site over the veth links, each host in its own network", async () => {
    const seen = new Map<string, string>();
    for (let i = 0; i < 16 && seen.size < 2; i++) {
      const r = await site!.runToCompletion({ files: [], code: "print(42)", client: `netns-${i}` });
      expect(r.status).toBe("ok");
      expect(r.outputs).toEqual([expect.objectContaining({ text: "42\n" })]);
      seen.set(r.host, r.session);
    }
    expect([...seen.keys()].sort()).toEqual(["n1", "n2"]);
  }, 120_000);

  it("ends a killed host's session with the host-stopped message; the other host takes the next run", async () => {
    const created = await site!.createSession({
      files: [],
      client: "netns-doomed",
      execute: { code: "import time\nprint('started', flush=True)\ntime.sleep(120)" },
    });
    const victim = hosts.find((h) => h.id === created.host)!;
    const reader = (await runEvents({ session: created.session, after: undefined, signal: new AbortController().signal, client: site! })).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("started")) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the stream ended before the cell printed: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    victim.child.kill("SIGKILL");
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain(`"message":"${HOST_LOST_MESSAGE}"`);
    const next = await site!.runToCompletion({ files: [], code: "print('on')", client: "netns-after" });
    expect(next.status).toBe("ok");
    expect(next.host).not.toBe(victim.id);
  }, 120_000);
});
