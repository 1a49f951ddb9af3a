/**
 * Session cgroups left by a service that crashed are removed by the next one (real cgroup v1
 * groups, a real service-like process killed with SIGKILL), and nothing else is touched: not the
 * groups of a service still running, not groups named otherwise.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeSpareCgroups, removeStaleCgroups, SessionCgroups } from "@/lib/exec/service/cgroups";
import { sandboxSkip } from "@/test/support/sandbox-required";

const skip = sandboxSkip(
  process.getuid?.() !== 0
    ? "cgroups need root"
    : !existsSync("/sys/fs/cgroup/memory/cgroup.procs") || !existsSync("/sys/fs/cgroup/pids/cgroup.procs")
      ? "cgroup v1 memory and pids controllers are not mounted"
      : undefined,
);

const parent = `cellar-test-${process.pid}-cgroups-${randomBytes(4).toString("hex")}`;
const options = { parent };
const limits = { memoryBytes: 64 * 1024 * 1024, pids: 16, cpus: 1 };

/** Alive, in the sense that matters here: there and not a zombie waiting for its reaper. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function waitFor(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type TCrashed = { dirs: Record<"memory" | "pids" | "cpu" | "cpuacct", string>; pids: number[] };

/**
 * A process doing what the service does for two sessions — one sleeping, one forking as fast
 * as pids.max lets it — then killed with SIGKILL, so nothing of its own cleanup runs.
 */
async function crashedService(): Promise<TCrashed[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "cellar-cgroups-test-"));
  const script = path.join(dir, "crash.mts");
  writeFileSync(
    script,
    `import { spawn } from "node:child_process";
import { SessionCgroups } from ${JSON.stringify(path.resolve("lib/exec/service/cgroups.ts"))};
const out = [];
for (const [id, argv] of [["sleeperAAAAAAAAAAAAAAAA", ["sleep", "1000"]], ["forkerBBBBBBBBBBBBBBBBB", ["sh", "-c", "while :; do sleep 1000 & done"]]]) {
  const g = SessionCgroups.create(id, ${JSON.stringify(limits)}, ${JSON.stringify(options)});
  const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: "ignore" });
  await g.add([child.pid]);
  out.push({ dirs: g.dirs, pids: [child.pid] });
}
console.log(JSON.stringify(out));
setInterval(() => {}, 1000);
`,
  );
  const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(text.split("\n")[0]!);
    });
    child.once("exit", (code) => reject(new Error(`the crashing service exited early (${code})`)));
  });
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
  return JSON.parse(line) as TCrashed[];
}

describe.skipIf(skip)("removeStaleCgroups", () => {
  let crashed: TCrashed[] = [];
  const foreign = ["memory", "pids", "cpu", "cpuacct"].map((c) => `/sys/fs/cgroup/${c}/${parent}/not-a-session`);

  beforeAll(async () => {
    for (const dir of foreign) mkdirSync(dir, { recursive: true });
    crashed = await crashedService();
  }, 30_000);

  afterAll(async () => {
    await removeSpareCgroups(options);
    for (const dir of foreign) {
      rmdirSync(dir);
      rmdirSync(path.dirname(dir));
    }
  });

  it("kills the processes of a crashed service's sessions and removes their groups, leaving the rest", async () => {
    const [sleeper, forker] = crashed;
    // The crash left them running, in their groups.
    // Filled: the group refused a fork (pids.events). Not pids.current === pids.max: sh exits when
    // a fork fails, so the group is full only for a moment a poll can miss.
    await waitFor("the forker to fill its pids group", () => /^max [1-9]/m.test(readFileSync(path.join(forker!.dirs.pids, "pids.events"), "utf8")));
    expect(running(sleeper!.pids[0]!)).toBe(true);
    const leftovers = crashed.flatMap((c) => Object.values(c.dirs));
    const members = leftovers.flatMap((dir) => readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number));
    expect(members.length).toBeGreaterThan(limits.pids);

    // This process is a service still running: its session's group must survive.
    const live = SessionCgroups.create(randomBytes(16).toString("base64url"), limits, options);
    const liveChild = spawn("sleep", ["1000"], { stdio: "ignore" });
    await live.add([liveChild.pid!]);

    try {
      const removed = await removeStaleCgroups(options);
      expect(removed.sort()).toEqual(leftovers.sort());
      for (const dir of leftovers) expect(existsSync(dir)).toBe(false);
      await waitFor("every leftover process to be gone", () => members.every((pid) => !running(pid)));

      for (const dir of [...Object.values(live.dirs), ...foreign]) expect(existsSync(dir)).toBe(true);
      expect(live.members()).toEqual([liveChild.pid]);
      expect(running(liveChild.pid!)).toBe(true);
      expect(await removeStaleCgroups(options)).toEqual([]);
    } finally {
      liveChild.kill("SIGKILL");
      await live.destroy();
    }
  }, 30_000);
});
