/*
 * Execution service benchmark (`npx tsx bench/exec/run.ts`, as root): starts the real service
 * (lib/exec/service/main.ts, default limits, a temporary EXEC_DIR) and measures through its HTTP API, one
 * session per execution as when a reader presses Run on a fresh page:
 *   - print(1): executions/s with several in flight, p50/p99;
 *   - a small matplotlib PNG cell: executions/s, p50;
 *   - p99 at a fixed offered load of 80% of the measured print(1) maximum (open loop: evenly
 *     spaced starts, latency counted from each one's due time);
 *   - the cold baseline in the same run: a fresh bwrap + python per print(1), same concurrency.
 * Prints figures beside the targets; asserts nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createExecClient, type TExecClient } from "@/lib/exec/client";
import { PYTHON_KERNEL } from "@/lib/exec/kernels";
import { coldCommand, RUNNER_DIR, SANDBOX_UID } from "@/lib/exec/service/sandbox";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const PLOT = "import matplotlib.pyplot as plt\nplt.figure(figsize=(2, 1.5), dpi=50)\nplt.plot([1, 2, 3], [1, 4, 9])";

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** One Run press: session, cell, its output until idle, close. Throws unless the cell printed/plotted. */
async function pressRun(client: TExecClient, code: string, expect: "stdout" | "png"): Promise<void> {
  const { session } = await client.createSession({ files: [], client: `bench-${Math.random()}` });
  try {
    const { msg_id } = await client.execute({ session, code });
    let ok = false;
    for await (const { message } of client.events({ session })) {
      const c = message.content as Record<string, unknown>;
      if (message.header.msg_type === "stream" && expect === "stdout" && c.text === "1\n") ok = true;
      if (message.header.msg_type === "display_data" && expect === "png" && "image/png" in (c.data as object)) ok = true;
      if ((message.parent_header as { msg_id?: string }).msg_id === msg_id && message.header.msg_type === "status" && c.execution_state !== "busy") break;
    }
    if (!ok) throw new Error("the cell did not produce its output");
  } finally {
    await client.close({ session });
  }
}

/** Runs `one` with `concurrency` in flight for `seconds`; returns rate and latencies (ms). */
async function closedLoop(one: () => Promise<void>, concurrency: number, seconds: number) {
  const latencies: number[] = [];
  let failed = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await one();
          latencies.push(performance.now() - t);
        } catch {
          failed++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return { rate: latencies.length / elapsed, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), n: latencies.length, failed };
}

/** Starts `one` at `rate`/s evenly for `seconds`; latency from each start's due time. */
async function openLoop(one: () => Promise<void>, rate: number, seconds: number) {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; ) {
    const now = performance.now();
    while (i < total && start + (i * 1000) / rate <= now) {
      const due = start + (i * 1000) / rate;
      inFlight.push(one().then(() => void latencies.push(performance.now() - due), () => void failed++));
      i++;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, start + (i * 1000) / rate - performance.now())));
  }
  await Promise.all(inFlight);
  return { sent: total, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), failed };
}

function coldRun(execDir: string, workDir: string): Promise<void> {
  const { argv, env } = coldCommand(PYTHON_KERNEL, { execDir, runnerDir: RUNNER_DIR }, workDir, "print(1)");
  const [program, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => (code === 0 && out === "1\n" ? resolve() : reject(new Error(`cold run exited ${code}`))));
  });
}

const f = (n: number, digits = 1) => n.toFixed(digits);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
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

async function main(): Promise<void> {
  const execDir = mkdtempSync(path.join(tmpdir(), "cellar-exec-bench-"));
  // The service in its own process, as in production: the benchmark's client does not share its event loop.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = spawn(process.execPath, [createRequire(import.meta.url).resolve("tsx/cli"), "lib/exec/service/main.ts"], {
    env: {
      PATH: process.env.PATH,
      EXEC_URL: url,
      EXEC_DIR: execDir,
      EXEC_POOL_SIZE: process.env.EXEC_POOL_SIZE ?? "2",
      EXEC_MAX_SESSIONS: "64",
      EXEC_PER_CLIENT: "64",
      EXEC_QUEUE: "256",
    } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
    stdio: ["ignore", "ignore", "pipe"],
  });
  service.stderr!.on("data", (d: Buffer) => {
    for (const line of d.toString().split("\n")) if (line && !line.includes("Matplotlib created a temporary")) console.error(`  [service] ${line}`);
  });
  await waitForHealth(url, service);
  const client = createExecClient(url);
  try {
    console.log(`exec bench: ${CONCURRENCY} in flight, ${SECONDS} s per phase, pool ${process.env.EXEC_POOL_SIZE ?? 2} zygotes`);
    // Warm-up (first forks, JIT of the service's code paths).
    await closedLoop(() => pressRun(client, "print(1)", "stdout"), 2, 1);

    const coldDir = path.join(execDir, "cold");
    mkdirSync(coldDir);
    chownSync(coldDir, SANDBOX_UID, SANDBOX_UID);
    chmodSync(coldDir, 0o755);
    const cold = await closedLoop(() => coldRun(execDir, coldDir), CONCURRENCY, SECONDS);
    const print = await closedLoop(() => pressRun(client, "print(1)", "stdout"), CONCURRENCY, SECONDS);
    const plot = await closedLoop(() => pressRun(client, PLOT, "png"), CONCURRENCY, SECONDS);
    const rate = Math.max(1, Math.round(print.rate * 0.8));
    const open = await openLoop(() => pressRun(client, "print(1)", "stdout"), rate, SECONDS);

    const row = (name: string, value: string, target: string, met: boolean) =>
      console.log(`  ${name.padEnd(44)} ${value.padEnd(28)} target ${target.padEnd(12)} ${met ? "met" : "NOT met"}`);
    console.log("");
    console.log(`  cold baseline (fresh bwrap + python, print(1)): ${f(cold.rate)}/s, p50 ${f(cold.p50)} ms, p99 ${f(cold.p99)} ms (${cold.n} runs, ${cold.failed} failed)`);
    console.log(`  print(1) through the API:                      ${f(print.rate)}/s, p50 ${f(print.p50)} ms, p99 ${f(print.p99)} ms (${print.n} runs, ${print.failed} failed)`);
    console.log(`  matplotlib PNG through the API:                ${f(plot.rate)}/s, p50 ${f(plot.p50)} ms, p99 ${f(plot.p99)} ms (${plot.n} runs, ${plot.failed} failed)`);
    console.log(`  open loop print(1) at ${rate}/s (80% of max):       p50 ${f(open.p50)} ms, p99 ${f(open.p99)} ms (${open.sent} sent, ${open.failed} failed)`);
    console.log("");
    row("print(1) executions/s", f(print.rate), "≥ 150/s", print.rate >= 150);
    row("print(1) vs cold baseline", `${f(print.rate / cold.rate, 2)}×`, "≥ 1.9×", print.rate / cold.rate >= 1.9);
    row("matplotlib PNG executions/s", f(plot.rate), "≥ 30/s", plot.rate >= 30);
    row("matplotlib PNG p50", `${f(plot.p50)} ms`, "≤ 70 ms", plot.p50 <= 70);
    row("p99 at 80% of max (open loop)", `${f(open.p99)} ms`, "≤ 1000 ms", open.p99 <= 1000);
  } finally {
    service.kill("SIGTERM");
    await new Promise((r) => service.once("exit", r));
    rmSync(execDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error("exec bench failed:", e);
    process.exit(1);
  },
);
