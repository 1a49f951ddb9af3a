/*
 * Live interact benchmark, server side (`npx tsx bench/interact/run.ts`, as root): starts the real
 * service (lib/exec/service/main.ts, default limits, a temporary EXEC_DIR) and measures through its
 * HTTP API, as the page does it (one update in flight per interact, each sent when the last one's
 * idle status has arrived on the open event stream), for each kernel of BENCH_KERNELS (python, and
 * sage when Debian's SageMath is installed):
 *   - update round trip, print-only interact: POST …/interact → the update's idle status, p50/p99;
 *   - the same for an interact that draws a plot (python: a small matplotlib figure, as the seeded
 *     examples do; sage: `plot(sin(a*x), (x, 0, 2*pi))`);
 *   - idle live interact sessions: memory charged to each session's memory cgroup after its
 *     interact has run once, and how many such sessions this machine's available memory holds.
 * Prints figures beside the targets; asserts nothing.
 *
 * Settings (environment): BENCH_KERNELS (python,sage), BENCH_UPDATES (300 per interact),
 * BENCH_SESSIONS (40 idle sessions per kernel).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { freemem, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { createExecClient, type TExecClient } from "@/lib/exec/client";
import { sageInstalled } from "@/lib/exec/kernels";
import { isMsgType, type TSessionEvent } from "@/lib/exec/protocol";
import { freePort } from "../../test/e2e/support/free-port";

const UPDATES = Number(process.env.BENCH_UPDATES ?? 300);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 40);
const MIME = "application/vnd.cellar.interact+json";
/** The cgroup parent of this benchmark's service: its sessions' memory groups are under it. */
const CGROUP_PARENT = "cellar";

const PYTHON_PRINT_INTERACT = "@interact\ndef f(n=slider(0, 1000, 1, default=1)):\n    print(n * n)\n";
const PYTHON_PLOT_INTERACT = [
  "import numpy as np",
  "import matplotlib.pyplot as plt",
  "x = np.linspace(0, 10, 400)",
  "@interact",
  "def f(a=slider(0.1, 5, 0.1, default=1)):",
  "    fig, ax = plt.subplots(figsize=(5, 3))",
  "    ax.plot(x, np.sin(a * x))",
  "    ax.set_title(f'a = {a:g}')",
].join("\n");

/** One kernel's interacts (a print and a plot), the values each update sends, and the targets. */
type TInteractCase = {
  print: string;
  printValues: (i: number) => Record<string, unknown>;
  plot: string;
  plotValues: (i: number) => Record<string, unknown>;
  targets: { printP50: number; plotP50: number | null };
};

const CASES: Record<string, TInteractCase> = {
  python: {
    print: PYTHON_PRINT_INTERACT,
    printValues: (i) => ({ n: i % 1000 }),
    plot: PYTHON_PLOT_INTERACT,
    plotValues: (i) => ({ a: 0.1 + (i % 49) * 0.1 }),
    targets: { printP50: 10, plotP50: 80 },
  },
  sage: {
    print: "@interact\ndef f(n=slider(1, 100, 1)):\n    print(n^2)\n",
    printValues: (i) => ({ n: 1 + (i % 100) }),
    plot: "@interact\ndef f(a=slider(0.1, 5, 0.1, default=1)):\n    show(plot(sin(a*x), (x, 0, 2*pi)))\n",
    plotValues: (i) => ({ a: 0.1 + (i % 49) * 0.1 }),
    targets: { printP50: 15, plotP50: null },
  },
};

const KERNELS = (process.env.BENCH_KERNELS ?? (sageInstalled() ? "python,sage" : "python")).split(",").filter(Boolean);

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");

/** A session with an open event stream: resolves each cell's or update's idle status as it arrives. */
class LiveSession {
  private readonly waiting = new Map<string, { resolve: (events: TSessionEvent[]) => void; events: TSessionEvent[] }>();
  private readonly early = new Map<string, TSessionEvent[]>();
  private readonly abort = new AbortController();
  private constructor(
    readonly client: TExecClient,
    readonly session: string,
  ) {}

  static async start(client: TExecClient, kernel: string, code: string, key: string): Promise<{ live: LiveSession; interact: string }> {
    const { session, msg_id } = await client.createSession({ kernel, files: [], client: key });
    const live = new LiveSession(client, session);
    live.follow();
    const { msg_id: cell } = await client.execute({ session, code });
    void msg_id;
    const events = await live.done(cell);
    const spec = events
      .map((e) => (isMsgType(e.message, "display_data") ? (e.message.content.data[MIME] as { id: string } | undefined) : undefined))
      .find(Boolean);
    if (!spec) throw new Error(`the cell made no interact: ${JSON.stringify(events.map((e) => e.message.content)).slice(0, 400)}`);
    return { live, interact: spec.id };
  }

  private follow(): void {
    void (async () => {
      try {
        for await (const e of this.client.events({ session: this.session, signal: this.abort.signal })) {
          const parent = e.message.parent_header.msg_id;
          if (!parent) continue;
          const entry = this.waiting.get(parent);
          const list = entry?.events ?? this.early.get(parent) ?? [];
          list.push(e);
          if (!entry) this.early.set(parent, list);
          if (isMsgType(e.message, "status") && e.message.content.execution_state === "idle" && entry) {
            this.waiting.delete(parent);
            entry.resolve(list);
          }
        }
      } catch {
        // aborted at close
      }
    })();
  }

  /** The messages of `msgId` once its idle status has arrived. */
  done(msgId: string): Promise<TSessionEvent[]> {
    const early = this.early.get(msgId) ?? [];
    this.early.delete(msgId);
    const finished = early.some((e) => isMsgType(e.message, "status") && e.message.content.execution_state === "idle");
    if (finished) return Promise.resolve(early);
    return new Promise((resolve) => this.waiting.set(msgId, { resolve, events: early }));
  }

  async update(interact: string, values: Record<string, unknown>): Promise<TSessionEvent[]> {
    const { msg_id } = await this.client.updateInteract({ session: this.session, interact, values });
    return this.done(msg_id);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.client.close({ session: this.session }).catch(() => undefined);
  }
}

/** `UPDATES` updates one after another, each timed from its request to its idle status (ms). */
async function roundTrips(
  client: TExecClient,
  kernel: string,
  code: string,
  values: (i: number) => Record<string, unknown>,
  expect: (events: TSessionEvent[]) => boolean,
) {
  const { live, interact } = await LiveSession.start(client, kernel, code, `bench-${Math.random()}`);
  const times: number[] = [];
  let failed = 0;
  try {
    for (let i = 0; i < 10; i++) await live.update(interact, values(i)); // warm-up, not counted
    for (let i = 0; i < UPDATES; i++) {
      const t = performance.now();
      const events = await live.update(interact, values(i));
      times.push(performance.now() - t);
      if (!expect(events)) failed++;
    }
  } finally {
    await live.close();
  }
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), n: times.length, failed };
}

/**
 * Memory charged to the live sessions' memory cgroups (bytes), one figure per non-empty group of
 * the service process `servicePid` (groups are named `<pid>-<start>.<id>`; other services on this
 * machine share the parent).
 */
function sessionMemory(servicePid: number): number[] {
  const dir = `/sys/fs/cgroup/memory/${CGROUP_PARENT}`;
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.startsWith(`${servicePid}-`) && readFileSync(path.join(dir, d.name, "cgroup.procs"), "utf8").trim() !== "")
    .map((d) => Number(readFileSync(path.join(dir, d.name, "memory.usage_in_bytes"), "utf8")));
}

function memAvailable(): number {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"));
  return m ? Number(m[1]) * 1024 : freemem();
}

const withPng = (events: TSessionEvent[]) => events.some((e) => isMsgType(e.message, "display_data") && "image/png" in e.message.content.data);
const withOutput = (events: TSessionEvent[]) => events.some((e) => e.message.header.msg_type === "stream");

/** One kernel: print and plot interact round trips, then `SESSIONS` idle sessions with the plot interact drawn once. */
async function benchKernel(client: TExecClient, kernel: string, c: TInteractCase, servicePid: number) {
  // The first session waits for the kernel's zygote (Sage's start ~10 s after the service listens) and may time out meanwhile.
  for (let deadline = Date.now() + 120_000; ;) {
    try {
      await (await LiveSession.start(client, kernel, c.print, "bench-ready")).live.close();
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const printed = await roundTrips(client, kernel, c.print, c.printValues, withOutput);
  const plotted = await roundTrips(client, kernel, c.plot, c.plotValues, withPng);

  // Idle sessions, each with the plotting interact defined and drawn once, as a page leaves them.
  const before = sessionMemory(servicePid).length;
  const available0 = memAvailable();
  const lives: LiveSession[] = [];
  for (let i = 0; i < SESSIONS; i++) lives.push((await LiveSession.start(client, kernel, c.plot, `idle-${i}`)).live);
  await new Promise((r) => setTimeout(r, 2000));
  const charged = sessionMemory(servicePid);
  const available1 = memAvailable();
  await Promise.all(lives.map((l) => l.close()));
  return { printed, plotted, before, charged, available0, perSession: quantile(charged, 0.5), perSessionByHost: (available0 - available1) / SESSIONS };
}

function report(kernel: string, c: TInteractCase, r: Awaited<ReturnType<typeof benchKernel>>): void {
  const mb = (b: number) => `${f(b / 1048576)} MB`;
  const row = (name: string, value: string, target: string, met: boolean | null) =>
    console.log(`  ${name.padEnd(46)} ${value.padEnd(30)} target ${target.padEnd(10)} ${met === null ? "" : met ? "met" : "NOT met"}`);
  const { printed, plotted, charged } = r;
  console.log("");
  console.log(`[${kernel}]`);
  console.log(
    `  update round trip, print interact:  p50 ${f(printed.p50)} ms, p99 ${f(printed.p99)} ms (${printed.n} updates, ${printed.failed} without output)`,
  );
  console.log(
    `  update round trip, plot interact:   p50 ${f(plotted.p50)} ms, p99 ${f(plotted.p99)} ms (${plotted.n} updates, ${plotted.failed} without a PNG)`,
  );
  console.log(
    `  idle interact sessions: ${charged.length} live (${r.before} before), memory cgroup charge per session median ${mb(r.perSession)}, ` +
      `max ${mb(Math.max(...charged))}; host MemAvailable fell ${mb(r.perSessionByHost)} per session`,
  );
  console.log(
    `  this machine (${mb(totalmem())} RAM, ${mb(r.available0)} available) holds ≈ ${Math.floor(r.available0 / Math.max(r.perSession, r.perSessionByHost))} idle interact sessions by memory ` +
      `(the service admits EXEC_MAX_SESSIONS, default 16)`,
  );
  console.log("");
  row("update round trip p50, print interact", `${f(printed.p50)} ms`, `≤ ${c.targets.printP50} ms`, printed.p50 <= c.targets.printP50);
  const plotTarget = c.targets.plotP50;
  row(
    "update round trip p50, plot interact",
    `${f(plotted.p50)} ms`,
    plotTarget === null ? "(figure)" : `≤ ${plotTarget} ms`,
    plotTarget === null ? null : plotted.p50 <= plotTarget,
  );
  row("memory per idle interact session", mb(Math.max(r.perSession, r.perSessionByHost)), "(figure)", null);
}

async function main(): Promise<void> {
  const unknown = KERNELS.filter((k) => !CASES[k]);
  if (unknown.length > 0) throw new Error(`BENCH_KERNELS: no benchmark for ${unknown.join(", ")} (known: ${Object.keys(CASES).join(", ")})`);
  const execDir = mkdtempSync(path.join(tmpdir(), "cellar-interact-bench-"));
  const url = `http://127.0.0.1:${await freePort()}`;
  const service = spawn(process.execPath, ["--import", "tsx", "lib/exec/service/main.ts"], {
    env: {
      PATH: process.env.PATH,
      EXEC_URL: url,
      EXEC_DIR: execDir,
      EXEC_MAX_SESSIONS: String(SESSIONS + 8),
      EXEC_PER_CLIENT: String(SESSIONS + 8),
      EXEC_QUEUE: "256",
      // Sage's zygotes only when measured: starting them costs ~10 s of both cores.
      EXEC_SAGE: KERNELS.includes("sage") ? "1" : "0",
    } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
    stdio: ["ignore", "ignore", "pipe"],
  });
  service.stderr!.on("data", (d: Buffer) => {
    for (const line of d.toString().split("\n")) if (line && !line.includes("Matplotlib created a temporary")) console.error(`  [service] ${line}`);
  });
  const client = createExecClient(url);
  for (let i = 0; ; i++) {
    if (service.exitCode !== null) throw new Error(`the service exited (${service.exitCode})`);
    if (
      await client.health().then(
        () => true,
        () => false,
      )
    )
      break;
    if (i > 300) throw new Error("the service did not answer /health within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    console.log(
      `interact bench: kernels ${KERNELS.join(", ")}; ${UPDATES} updates per interact, ${SESSIONS} idle sessions per kernel; ` +
        `load average ${loadavg()
          .map((x) => x.toFixed(2))
          .join(" ")}`,
    );
    const results: [string, Awaited<ReturnType<typeof benchKernel>>][] = [];
    for (const k of KERNELS) results.push([k, await benchKernel(client, k, CASES[k]!, service.pid!)]);
    for (const [k, r] of results) report(k, CASES[k]!, r);
    // Python's figures are the same-run baseline of the other kernels'.
    const python = results.find(([k]) => k === "python")?.[1];
    for (const [k, r] of results) {
      if (!python || k === "python") continue;
      const ratio = (a: number, b: number) => `${f(a / b, 2)}×`;
      console.log(
        `\n  ${k} vs python in this run: print interact p50 ${ratio(r.printed.p50, python.printed.p50)}, plot interact p50 ${ratio(r.plotted.p50, python.plotted.p50)}, ` +
          `memory per idle session ${ratio(Math.max(r.perSession, r.perSessionByHost), Math.max(python.perSession, python.perSessionByHost))}`,
      );
    }
    console.log(
      `\n  load average at the end: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")} (2 cores shared)`,
    );
  } finally {
    service.kill("SIGTERM");
    await new Promise((r) => service.once("exit", r));
    rmSync(execDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error("interact bench failed:", e);
    process.exit(1);
  },
);
