/*
 * scatter/gather on one host (`npx tsx bench/scale/scatter-local.ts`, as root): 200 trivial tasks
 * and 200 tasks of 50 ms CPU through `gather(scatter(f, range(200)))` in a cell, against the same
 * run's baseline, the same 200 calls run serially in one cell. Prints, per kind: the medians of
 * BENCH_RUNS rounds (wall time measured inside the cell), the ratio scatter / serial, and the
 * per-task overhead: (scatter wall × workers − serial wall) / 200, the worker time each task cost
 * beyond its own work (worker sessions' start included: a job starts its own), and the CPU
 * overhead per task: (the workers' CPU time, their cgroups' − the serial cell's CPU time) / 200,
 * which a loaded machine does not inflate as it does wall times. Prints figures; asserts nothing.
 *
 * Settings (environment): BENCH_RUNS (3), BENCH_TASKS (200), EXEC_SCATTER_WORKERS (cores).
 */
import { availableParallelism, loadavg } from "node:os";
import { startTestService } from "@/lib/exec/service/testing";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TASKS = Number(process.env.BENCH_TASKS ?? 200);
const WORKERS = Number(process.env.EXEC_SCATTER_WORKERS || availableParallelism());

const FUNCTIONS = {
  trivial: "def f(i):\n    return i\n",
  "50 ms CPU": "import time\ndef f(i):\n    end = time.process_time() + 0.05\n    while time.process_time() < end:\n        pass\n    return i\n",
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const t = await startTestService({
    limits: { wallSeconds: 120, cpuSeconds: 120, outputBytes: 1 << 20, memoryBytes: 512 << 20 },
    scatter: { workers: WORKERS, maxQueued: 100_000 },
  });
  /** Runs `code` in a fresh session; returns the numbers it prints last (seconds). */
  const seconds = async (code: string): Promise<[number, number]> => {
    const r = await t.client.runToCompletion({ files: [], code, client: "bench", timeout: 120 });
    const out = r.outputs.map((o) => (o.output_type === "stream" ? o.text : o.output_type === "error" ? `${o.ename}: ${o.evalue}` : "")).join("");
    const [wall, cpu] = (out.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
    if (!Number.isFinite(wall) || !Number.isFinite(cpu)) throw new Error(`the bench cell printed ${JSON.stringify(out.slice(0, 500))}`);
    return [wall!, cpu!];
  };
  try {
    console.log(`scatter/gather on one host: ${TASKS} tasks, ${WORKERS} workers, ${RUNS} rounds, load ${loadavg()[0]!.toFixed(2)}`);
    await seconds(`${FUNCTIONS.trivial}import time\nt = time.perf_counter()\ngather(scatter(f, range(4)))\nprint(time.perf_counter() - t, 0)`); // warm-up
    for (const [kind, fn] of Object.entries(FUNCTIONS)) {
      const serial: [number, number][] = [];
      const scattered: [number, number][] = [];
      for (let i = 0; i < RUNS; i++) {
        serial.push(
          await seconds(
            `${fn}import time\nt, c = time.perf_counter(), time.process_time()\nr = [f(i) for i in range(${TASKS})]\nprint(time.perf_counter() - t, time.process_time() - c)`,
          ),
        );
        scattered.push(
          await seconds(
            `${fn}import time\nt = time.perf_counter()\njob = scatter(f, range(${TASKS}))\nr = gather(job)\nassert r == list(range(${TASKS}))\nprint(time.perf_counter() - t, job.cpu_seconds)`,
          ),
        );
      }
      const s = median(serial.map((x) => x[0])) * 1000;
      const p = median(scattered.map((x) => x[0])) * 1000;
      const sCpu = median(serial.map((x) => x[1])) * 1000;
      const pCpu = median(scattered.map((x) => x[1])) * 1000;
      console.log(
        `${TASKS} ${kind} tasks: serial in one cell ${s.toFixed(1)} ms wall, ${sCpu.toFixed(1)} ms CPU (baseline); ` +
          `scatter ${p.toFixed(1)} ms wall, workers' CPU ${pCpu.toFixed(1)} ms; ratio (wall) ${(p / s).toFixed(2)}; ` +
          `per task: wall ${(p / TASKS).toFixed(2)} ms, overhead ${((p * WORKERS - s) / TASKS).toFixed(2)} ms wall, ${((pCpu - sCpu) / TASKS).toFixed(2)} ms CPU (target ≤ 5)`,
      );
    }
  } finally {
    await t.stop();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
