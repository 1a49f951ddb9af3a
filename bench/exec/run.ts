/*
 * Execution service benchmark (`npx tsx bench/exec/run.ts`, as root): starts the real service
 * (lib/exec/service/main.ts, default limits, a temporary EXEC_DIR) and measures through its HTTP API,
 * for each kernel of BENCH_KERNELS (python, and sage when Debian's SageMath is installed), one
 * session per execution as when a reader presses Run on a fresh page:
 *   - print(1): executions/s with several in flight, p50/p99;
 *   - a plot cell (python: a small matplotlib PNG; sage: `plot(sin(x), (x, 0, 2*pi))`), checked to
 *     be an image: executions/s, p50/p99;
 *   - p99 at a fixed offered load of 80% of the measured print(1) maximum (open loop: evenly
 *     spaced starts, latency counted from each one's due time);
 *   - Run → first output on a quiet service, one at a time;
 *   - the cost of a fork: session creation → ready (no cell), one at a time, and the zygote's CPU per fork;
 *   - memory: the kernel's zygotes (RSS/PSS/USS from smaps_rollup) and a session's (its memory
 *     cgroup's charge, its process's PSS/USS, page faults) after print(1) and after the plot;
 *   - the cold baselines in the same run: a fresh bwrap + python per print(1), and per plot (the
 *     kernel's environment; sage imports sage.all first), same concurrency; warm/cold ratios.
 * Prints figures beside the targets; asserts nothing.
 *
 * Settings (environment): BENCH_KERNELS (python,sage), BENCH_SECONDS (6 per phase),
 * BENCH_CONCURRENCY (4), BENCH_PHASES (all of cold,coldplot,print,plot,open,first,fork,memory),
 * EXEC_POOL_SIZE (2 zygotes per kernel).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createExecClient, type TExecClient } from "@/lib/exec/client";
import { isMsgType } from "@/lib/exec/protocol";
import { PYTHON_KERNEL, SAGE_KERNEL, sageInstalled, type TKernel } from "@/lib/exec/kernels";
import { coldCommand, RUNNER_DIR, SANDBOX_UID, sessionsDir, spawnSandboxed } from "@/lib/exec/service/sandbox";
import { freePort } from "../../test/e2e/support/free-port";
import { closedLoop, openLoop } from "../support/load";
import { cgroupMemoryOf, cpuOf, faultsOf, memoryOf, processesIn, threadCpuOf, zygotePids, type TMemory } from "../support/processes";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
/** Comma-separated phases to run (default all): cold, coldplot, print, plot, open (needs print), first, fork, memory. */
const PHASES = new Set((process.env.BENCH_PHASES ?? "cold,coldplot,print,plot,open,first,fork,memory").split(","));
const SKIPPED = { rate: NaN, p50: NaN, p99: NaN, n: 0, failed: 0, cpu: [NaN, NaN, NaN, NaN] };

type TLoop = typeof SKIPPED;
type TRow = [name: string, value: string, target: string, met: boolean];
/** What one kernel's phases measured (NaN / SKIPPED for a phase not run). */
type TResults = {
  cold: TLoop;
  coldPlot: TLoop;
  print: TLoop;
  plot: TLoop;
  open: { sent: number; p50: number; p99: number; failed: number; rate: number };
  first: { p50: number; p99: number };
  fork: { p50: number; p99: number; zygoteCpuMs: number; n: number };
  memory: TMemoryFigures | null;
};

/**
 * One kernel's benchmark: the cells it runs warm, the programs its cold baselines run in a fresh
 * bwrap (`python3 -c`, with the kernel's environment), and its targets. One code path measures all.
 */
type TKernelCase = {
  kernel: TKernel;
  /** A snippet's main file in this kernel (Run → first output sends `print(1)` as this file). */
  mainFile: string;
  /** A plot cell whose output is a PNG. */
  plot: string;
  coldPrint: string;
  /** The same plot drawn to a PNG file by a fresh interpreter (printing 1 when done). */
  coldPlot: string;
  targets: (r: TResults) => TRow[];
};

const PYTHON_PLOT = "import matplotlib.pyplot as plt\nplt.figure(figsize=(2, 1.5), dpi=50)\nplt.plot([1, 2, 3], [1, 4, 9])";
/**
 * First in a cold plot run: matplotlib (Debian's 3.6) ignores the read-only prebuilt cache in
 * /mplconfig and would rebuild its font list (~0.5 s); a Python install with a warm cache, which
 * the baseline stands for, has it in a writable place (as the zygote does, zygote.py).
 */
const WARM_FONT_CACHE =
  "import glob, os, shutil\nos.makedirs('/tmp/mpl', exist_ok=True)\nfor f in glob.glob('/mplconfig/*.json'):\n    shutil.copy(f, '/tmp/mpl')\nos.environ['MPLCONFIGDIR'] = '/tmp/mpl'\n";
const SAGE_PLOT = "plot(sin(x), (x, 0, 2*pi))";

const CASES: Record<string, TKernelCase> = {
  python: {
    kernel: PYTHON_KERNEL,
    mainFile: "main.py",
    plot: PYTHON_PLOT,
    coldPrint: "print(1)",
    coldPlot: `${WARM_FONT_CACHE}${PYTHON_PLOT}\nplt.savefig('/tmp/p.png')\nprint(1)`,
    targets: (r) => [
      ["print(1) executions/s", f(r.print.rate), "≥ 150/s", r.print.rate >= 150],
      ["print(1) vs cold baseline", `${f(r.print.rate / r.cold.rate, 2)}×`, "≥ 1.9×", r.print.rate / r.cold.rate >= 1.9],
      ["matplotlib PNG executions/s", f(r.plot.rate), "≥ 30/s", r.plot.rate >= 30],
      ["matplotlib PNG p50", `${f(r.plot.p50)} ms`, "≤ 70 ms", r.plot.p50 <= 70],
      ["p99 at 80% of max (open loop)", `${f(r.open.p99)} ms`, "≤ 1000 ms", r.open.p99 <= 1000],
    ],
  },
  sage: {
    kernel: SAGE_KERNEL,
    mainFile: "main.sage",
    plot: SAGE_PLOT,
    coldPrint: "import sage.all; print(1)",
    coldPlot: `${WARM_FONT_CACHE}from sage.all import *\nx = var('x')\n${SAGE_PLOT}.save('/tmp/p.png')\nprint(1)`,
    targets: (r) => [
      ["print(1) vs cold baseline", `${f(r.print.rate / r.cold.rate, 2)}×`, "≥ 10×", r.print.rate / r.cold.rate >= 10],
      ["Sage plot vs cold baseline", `${f(r.plot.rate / r.coldPlot.rate, 2)}×`, "≥ 4×", r.plot.rate / r.coldPlot.rate >= 4],
      // SageMathCell on this kind of machine (docs: shared/notes/exec-sandbox.md): ~15/s print(1), ~7/s plot.
      ["print(1) executions/s (SageMathCell ~15/s)", f(r.print.rate), "(figure)", true],
      ["p99 at 80% of max (open loop)", `${f(r.open.p99)} ms`, "≤ 1000 ms", r.open.p99 <= 1000],
    ],
  },
};

const KERNELS = (process.env.BENCH_KERNELS ?? (sageInstalled() ? "python,sage" : "python")).split(",").filter(Boolean);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const mb = (bytes: number) => `${f(bytes / 1048576)} MB`;

type TExpect = "stdout" | "png";

/** The messages of cell `msgId` until its idle status; throws unless it printed 1 / showed a PNG. */
async function awaitCell(client: TExecClient, session: string, msgId: string | undefined, expect: TExpect): Promise<void> {
  let ok = false;
  for await (const { message } of client.events({ session })) {
    if (isMsgType(message, "stream") && expect === "stdout" && message.content.text === "1\n") ok = true;
    // A plot is shown (display_data) or is the cell's value (execute_result, as Sage's plot(...) is).
    if ((isMsgType(message, "display_data") || isMsgType(message, "execute_result")) && expect === "png" && "image/png" in message.content.data) ok = true;
    if (message.parent_header.msg_id === msgId && isMsgType(message, "status") && message.content.execution_state !== "busy") break;
  }
  if (!ok) throw new Error("the cell did not produce its output");
}

/** One Run press: session, cell, its output until idle, close. Throws unless the cell printed/plotted. */
async function pressRun(client: TExecClient, kernel: string, code: string, expect: TExpect): Promise<void> {
  // The cell goes with the creation (one request), as runToCompletion sends it.
  const { session, msg_id } = await client.createSession({ kernel, files: [], client: `bench-${Math.random()}`, execute: { code } });
  try {
    await awaitCell(client, session, msg_id, expect);
  } finally {
    await client.close({ session });
  }
}

/** A cell in an open session, to its idle status. */
async function runIn(client: TExecClient, session: string, code: string, expect: TExpect): Promise<void> {
  const { msg_id } = await client.execute({ session, code });
  await awaitCell(client, session, msg_id, expect);
}

/**
 * Press Run on a quiet service, one at a time with pauses (a reader, not a crowd): ms from the
 * request to the cell's first output, which pre-spawned sessions (python's) shorten.
 */
async function firstOutput(client: TExecClient, c: TKernelCase, runs: number): Promise<{ p50: number; p99: number }> {
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) {
    await new Promise((r) => setTimeout(r, 300)); // quiet again: the service may pre-spawn
    const t = performance.now();
    const { session } = await client.createSession({
      kernel: c.kernel.name,
      files: [{ path: c.mainFile, content: "print(1)\n" }],
      client: "bench-first",
      execute: { code: "print(1)\n", filename: c.mainFile },
    });
    try {
      for await (const { message } of client.events({ session })) {
        if (message.header.msg_type === "stream") {
          latencies.push(performance.now() - t);
          break;
        }
      }
    } finally {
      await client.close({ session });
    }
  }
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

/**
 * Keeps a python cell running for up to 25 s, so the service is not quiet and pre-spawns nothing:
 * the fork and memory phases then measure plain forks of the kernel asked for, one by one.
 */
async function holdBusy(client: TExecClient): Promise<() => Promise<void>> {
  const { session } = await client.createSession({ files: [], client: "bench-hold", execute: { code: "import time\ntime.sleep(25)" } });
  return () => client.close({ session });
}

/** Session creation (spawn → ready, no cell) one at a time; and the zygotes' CPU per fork (the fork's page-table copy is theirs). */
async function forkCost(client: TExecClient, kernel: string, zygotes: number[], runs: number): Promise<TResults["fork"]> {
  const times: number[] = [];
  const create = () => client.createSession({ kernel, files: [], client: `bench-fork-${Math.random()}` });
  for (let i = 0; i < 3; i++) await client.close(await create()); // pre-spawned ones used up, paths warm
  const cpu0 = zygotes.reduce((s, p) => s + threadCpuOf(p), 0);
  for (let i = 0; i < runs; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const t = performance.now();
    const created = await create();
    times.push(performance.now() - t);
    await client.close(created);
  }
  const zygoteCpuMs = (zygotes.reduce((s, p) => s + threadCpuOf(p), 0) - cpu0) / 1e6 / runs;
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), zygoteCpuMs, n: runs };
}

type TSessionMemory = { charged: number; pss: number; uss: number; minorFaults: number; cpuMs: number };
type TMemoryFigures = { zygotes: TMemory[]; afterPrint: TSessionMemory; afterPlot: TSessionMemory; sessions: number };

/** The session process's memory: its memory cgroup's charge (pages it has written since the fork), PSS/USS, page faults. */
function sessionMemory(execDir: string, session: string): TSessionMemory {
  const pids = processesIn(path.join(sessionsDir(execDir), session, "work"));
  if (pids.length === 0) throw new Error(`no process of session ${session} found`);
  const sum = (g: (pid: number) => number) => pids.reduce((s, p) => s + g(p), 0);
  return {
    charged: cgroupMemoryOf(pids[0]!),
    pss: sum((p) => memoryOf(p)?.pss ?? NaN),
    uss: sum((p) => memoryOf(p)?.uss ?? NaN),
    minorFaults: sum((p) => faultsOf(p).minor),
    cpuMs: sum(threadCpuOf) / 1e6,
  };
}

/** Memory of the zygotes, and of `runs` fresh sessions after print(1) and then the plot (medians). */
async function memory(client: TExecClient, execDir: string, c: TKernelCase, zygotes: number[], runs: number): Promise<TMemoryFigures> {
  const afterPrint: TSessionMemory[] = [];
  const afterPlot: TSessionMemory[] = [];
  for (let i = 0; i < runs; i++) {
    const { session } = await client.createSession({ kernel: c.kernel.name, files: [], client: `bench-memory-${i}` });
    try {
      await runIn(client, session, "print(1)", "stdout");
      afterPrint.push(sessionMemory(execDir, session));
      await runIn(client, session, c.plot, "png");
      afterPlot.push(sessionMemory(execDir, session));
    } finally {
      await client.close({ session });
    }
  }
  // Each figure's own median (not the figures of one median session).
  const median = (xs: TSessionMemory[]): TSessionMemory => {
    const keys = ["charged", "pss", "uss", "minorFaults", "cpuMs"] as const;
    return Object.fromEntries(
      keys.map((k) => [
        k,
        quantile(
          xs.map((x) => x[k]),
          0.5,
        ),
      ]),
    ) as TSessionMemory;
  };
  return {
    zygotes: zygotes.map(memoryOf).filter((m): m is TMemory => m !== null),
    afterPrint: median(afterPrint),
    afterPlot: median(afterPlot),
    sessions: runs,
  };
}

/**
 * CPU time of a process tree, from a cgroup v1 cpuacct group it is moved into before it forks
 * (its zygotes and sessions stay in it: the service moves them only in memory and pids). Unlike
 * executions/s, CPU ms per execution does not depend on what else this shared machine runs.
 */
class CpuMeter {
  private readonly dir: string | null;
  constructor(name: string, pid: number) {
    const root = "/sys/fs/cgroup/cpuacct";
    this.dir = existsSync(`${root}/cpuacct.usage`) ? `${root}/cellar-bench-${process.pid}-${name}` : null;
    if (!this.dir) return;
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(`${this.dir}/cgroup.procs`, String(pid));
  }
  /** CPU nanoseconds used so far (NaN without cpuacct). */
  usage(): number {
    return this.dir ? Number(readFileSync(`${this.dir}/cpuacct.usage`, "utf8")) : NaN;
  }
  close(): void {
    if (!this.dir) return;
    try {
      writeFileSync("/sys/fs/cgroup/cpuacct/cgroup.procs", String(process.pid));
      rmdirSync(this.dir);
    } catch {
      // the service's last processes are still leaving; harmless
    }
  }
}

/** A fresh bwrap + /usr/bin/python3 -c `code` with `kernel`'s environment; resolves when it printed 1 and exited 0. */
function coldRun(kernel: TKernel, execDir: string, workDir: string, code: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnSandboxed(coldCommand(kernel, { execDir, runnerDir: RUNNER_DIR }, workDir, code), ["ignore", "pipe", "pipe"]);
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-300)));
    child.on("exit", (code, signal) => {
      if (code === 0 && out === "1\n") return resolve();
      // The loop only counts failures: say each one's reason here.
      console.error(`  a cold run failed (exit ${code ?? signal}): ${err.trim() || JSON.stringify(out.slice(-100))}`);
      reject(new Error(`cold run exited ${code ?? signal}`));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}); see its lines above`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the service did not answer /health within 60 s");
}

/** All phases of one kernel, in the order that keeps them apart: cold runs first, forks and memory on a held service last. */
async function benchKernel(
  client: TExecClient,
  c: TKernelCase,
  o: { execDir: string; coldDir: string; servicePid: number; meters: { service: CpuMeter; client: CpuMeter } },
): Promise<TResults> {
  const kernel = c.kernel.name;
  // Warm-up (first forks, JIT of the service's code paths); a sage session waits here for its zygote.
  await closedLoop(() => pressRun(client, kernel, "print(1)", "stdout"), 2, 1);
  const zygotes = zygotePids(o.servicePid, kernel);
  // Sessions have cpuacct groups of their own (under cpuacct/cellar, which counts its removed
  // children too), outside the service's: their CPU is added to the service's.
  const sessionsCpu = () => {
    try {
      return Number(readFileSync("/sys/fs/cgroup/cpuacct/cellar/cpuacct.usage", "utf8"));
    } catch {
      return 0;
    }
  };
  const meters = [
    { usage: () => o.meters.service.usage() + sessionsCpu() },
    o.meters.client,
    { usage: () => cpuOf(o.servicePid) },
    { usage: () => zygotes.reduce((s, p) => s + threadCpuOf(p), 0) },
  ];
  const loop = (phase: string, one: () => Promise<void>, m = meters, minEach = 1) =>
    PHASES.has(phase) ? closedLoop(one, CONCURRENCY, SECONDS, m, minEach) : SKIPPED;

  // A cold Sage run takes longer than a phase: at least two per lane, or the rate is one round's.
  const cold = await loop("cold", () => coldRun(c.kernel, o.execDir, o.coldDir, c.coldPrint), [o.meters.client], 2);
  const coldPlot = await loop("coldplot", () => coldRun(c.kernel, o.execDir, o.coldDir, c.coldPlot), [o.meters.client], 2);
  const print = await loop("print", () => pressRun(client, kernel, "print(1)", "stdout"));
  const plot = await loop("plot", () => pressRun(client, kernel, c.plot, "png"));
  const rate = Math.max(1, Math.round(print.rate * 0.8));
  const open =
    PHASES.has("open") && PHASES.has("print")
      ? { ...(await openLoop(() => pressRun(client, kernel, "print(1)", "stdout"), rate, SECONDS)), rate }
      : { sent: 0, p50: NaN, p99: NaN, failed: 0, rate };
  const first = PHASES.has("first") ? await firstOutput(client, c, 20) : { p50: NaN, p99: NaN };
  let fork: TResults["fork"] = { p50: NaN, p99: NaN, zygoteCpuMs: NaN, n: 0 };
  let mem: TMemoryFigures | null = null;
  if (PHASES.has("fork") || PHASES.has("memory")) {
    const release = await holdBusy(client);
    try {
      if (PHASES.has("fork")) fork = await forkCost(client, kernel, zygotes, 20);
      if (PHASES.has("memory")) mem = await memory(client, o.execDir, c, zygotes, 3);
    } finally {
      await release();
    }
  }
  return { cold, coldPlot, print, plot, open, first, fork, memory: mem };
}

/**
 * Presses Run in `kernel` until it answers (2 minutes at most): the service listens once python's
 * zygotes are ready, Sage's come ~10 s later, and a session waiting for a zygote may time out meanwhile.
 */
async function untilReady(client: TExecClient, kernel: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await pressRun(client, kernel, "print(1)", "stdout");
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

function report(c: TKernelCase, r: TResults): void {
  const k = c.kernel.name;
  const loopLine = (name: string, x: TLoop) =>
    console.log(`  ${name.padEnd(48)} ${f(x.rate)}/s, p50 ${f(x.p50)} ms, p99 ${f(x.p99)} ms (${x.n} runs, ${x.failed} failed)`);
  console.log("");
  console.log(`[${k}]`);
  loopLine(`cold baseline (fresh bwrap + ${c.coldPrint}):`, r.cold);
  loopLine("cold plot (fresh bwrap + the plot to a PNG):", r.coldPlot);
  loopLine("print(1) through the API:", r.print);
  loopLine(`plot through the API (${k === "sage" ? "Sage plot" : "matplotlib PNG"}):`, r.plot);
  console.log(`  ${"ratios warm/cold:".padEnd(48)} print(1) ${f(r.print.rate / r.cold.rate, 2)}×, plot ${f(r.plot.rate / r.coldPlot.rate, 2)}×`);
  console.log(
    `  ${`open loop print(1) at ${r.open.rate}/s (80% of max):`.padEnd(48)} p50 ${f(r.open.p50)} ms, p99 ${f(r.open.p99)} ms (${r.open.sent} sent, ${r.open.failed} failed)`,
  );
  console.log(`  ${"Run -> first output, quiet service (no browser):".padEnd(48)} p50 ${f(r.first.p50)} ms, p99 ${f(r.first.p99)} ms (20 runs, ${c.mainFile})`);
  console.log(
    `  ${"fork: session created -> ready (no cell):".padEnd(48)} p50 ${f(r.fork.p50)} ms, p99 ${f(r.fork.p99)} ms (${r.fork.n} runs); zygote CPU ${f(r.fork.zygoteCpuMs)} ms per fork`,
  );
  const ms = (x: number | undefined) => f(x ?? NaN);
  const cpu = (x: TLoop) => {
    const [all = NaN, client = NaN, node = NaN, zygotes = NaN] = x.cpu;
    return `${ms(all)} (node ${ms(node)} + zygotes ${ms(zygotes)} + sessions/bwrap ${ms(all - node - zygotes)}) | client ${ms(client)}`;
  };
  console.log(
    `  CPU ms per execution, service | client: print(1) ${cpu(r.print)}; plot ${cpu(r.plot)}; cold ${ms(r.cold.cpu[0])}, cold plot ${ms(r.coldPlot.cpu[0])} (bwrap + python)`,
  );
  if (r.memory) {
    const m = r.memory;
    const z = (key: keyof TMemory) => m.zygotes.map((x) => mb(x[key])).join(", ");
    console.log(`  zygotes (${m.zygotes.length}): RSS ${z("rss")}; PSS ${z("pss")}; USS ${z("uss")}`);
    const s = (x: TSessionMemory) =>
      `cgroup charge ${mb(x.charged)}, PSS ${mb(x.pss)}, USS ${mb(x.uss)}, ${f(x.minorFaults, 0)} minor faults, CPU ${f(x.cpuMs)} ms since the fork`;
    console.log(`  a session (median of ${m.sessions}), after print(1): ${s(m.afterPrint)}; after the plot: ${s(m.afterPlot)}`);
  }
  console.log("");
  for (const [name, value, target, met] of c.targets(r)) {
    const verdict = target === "(figure)" ? "" : value.includes("n/a") ? "not measured" : met ? "met" : "NOT met";
    console.log(`  ${name.padEnd(44)} ${value.padEnd(28)} target ${target.padEnd(12)} ${verdict}`);
  }
}

async function main(): Promise<void> {
  const unknown = KERNELS.filter((k) => !CASES[k]);
  if (unknown.length > 0) throw new Error(`BENCH_KERNELS: no benchmark for ${unknown.join(", ")} (known: ${Object.keys(CASES).join(", ")})`);
  const execDir = mkdtempSync(path.join(tmpdir(), "cellar-exec-bench-"));
  // The service in its own process, as in production: the benchmark's client does not share its event loop.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = spawn(
    process.execPath,
    [...(process.env.BENCH_SERVICE_NODE_ARGS ?? "").split(" ").filter(Boolean), "--import", "tsx", "lib/exec/service/main.ts"],
    {
      env: {
        PATH: process.env.PATH,
        EXEC_URL: url,
        EXEC_DIR: execDir,
        EXEC_POOL_SIZE: process.env.EXEC_POOL_SIZE ?? "2",
        EXEC_MAX_SESSIONS: "64",
        EXEC_PER_CLIENT: "64",
        EXEC_QUEUE: "256",
        // Sage's zygotes only when measured: starting them costs ~10 s of both cores.
        EXEC_SAGE: KERNELS.includes("sage") ? "1" : "0",
      } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  // Before the service has started any zygote: the whole tree is counted.
  const serviceCpu = new CpuMeter("service", service.pid!);
  const clientCpu = new CpuMeter("client", process.pid);
  service.stderr!.on("data", (d: Buffer) => {
    for (const line of d.toString().split("\n")) if (line && !line.includes("Matplotlib created a temporary")) console.error(`  [service] ${line}`);
  });
  await waitForHealth(url, service);
  const client = createExecClient(url);
  try {
    console.log(
      `exec bench: kernels ${KERNELS.join(", ")}; ${CONCURRENCY} in flight, ${SECONDS} s per phase, pool ${process.env.EXEC_POOL_SIZE ?? 2} zygotes per kernel; ` +
        `load average ${loadavg()
          .map((x) => x.toFixed(2))
          .join(" ")}`,
    );
    const coldDir = path.join(execDir, "cold");
    mkdirSync(coldDir);
    chownSync(coldDir, SANDBOX_UID, SANDBOX_UID);
    chmodSync(coldDir, 0o755);
    // Every kernel's zygotes ready before anything is timed (Sage's start in the background).
    for (const k of KERNELS) await untilReady(client, k);
    const results: [TKernelCase, TResults][] = [];
    for (const k of KERNELS) {
      const c = CASES[k]!;
      results.push([c, await benchKernel(client, c, { execDir, coldDir, servicePid: service.pid!, meters: { service: serviceCpu, client: clientCpu } })]);
    }
    for (const [c, r] of results) report(c, r);
    console.log(
      `\n  load average at the end: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")} (2 cores shared; compare ratios, not absolute figures)`,
    );
  } finally {
    service.kill("SIGTERM");
    await new Promise((r) => service.once("exit", r));
    rmSync(execDir, { recursive: true, force: true });
    serviceCpu.close();
    clientCpu.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error("exec bench failed:", e);
    process.exit(1);
  },
);
