/*
 * scatter/gather on one host (`npx tsx bench/scale/scatter-local.ts`, as root): 200 trivial tasks
 * and 200 tasks of 50 ms CPU through `gather(scatter(f, range(200)))` in a cell, against the same
 * run's baseline, the same 200 calls run serially in one cell. Prints, per kind: the medians of
 * BENCH_RUNS rounds (wall time measured inside the cell), the ratio scatter / serial, and the
 * per-task overhead: (scatter wall × workers − serial wall) / 200, the worker time each task cost
 * beyond its own work (worker sessions' start included: a job starts its own). Prints figures;
 * asserts nothing.
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
  /** Runs `code` in a fresh session; returns the number it prints (seconds). */
  const seconds = async (code: string): Promise<number> => {
    const r = await t.client.runToCompletion({ files: [], code, client: "bench", timeout: 120 });
    const out = r.outputs.map((o) => (o.output_type === "stream" ? o.text : o.output_type === "error" ? `${o.ename}: ${o.evalue}` : "")).join("");
    const n = Number(out.trim().split("\n").at(-1));
    if (!Number.isFinite(n)) throw new Error(`the bench cell printed ${JSON.stringify(out.slice(0, 500))}`);
    return n;
  };
  try {
    console.log(`scatter/gather on one host: ${TASKS} tasks, ${WORKERS} workers, ${RUNS} rounds, load ${loadavg()[0]!.toFixed(2)}`);
    await seconds(`${FUNCTIONS.trivial}import time\nt = time.perf_counter()\ngather(scatter(f, range(4)))\nprint(time.perf_counter() - t)`); // warm-up
    for (const [kind, fn] of Object.entries(FUNCTIONS)) {
      const serial: number[] = [];
      const scattered: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        serial.push(await seconds(`${fn}import time\nt = time.perf_counter()\nr = [f(i) for i in range(${TASKS})]\nprint(time.perf_counter() - t)`));
        scattered.push(
          await seconds(
            `${fn}import time\nt = time.perf_counter()\nr = gather(scatter(f, range(${TASKS})))\nassert r == list(range(${TASKS}))\nprint(time.perf_counter() - t)`,
          ),
        );
      }
      const s = median(serial) * 1000;
      const p = median(scattered) * 1000;
      const overhead = (p * WORKERS - s) / TASKS;
      console.log(
        `${TASKS} ${kind} tasks: serial in one cell ${s.toFixed(1)} ms (baseline), scatter ${p.toFixed(1)} ms, ratio ${(p / s).toFixed(2)}; ` +
          `wall per task ${(p / TASKS).toFixed(2)} ms, overhead per task ${overhead.toFixed(2)} ms (target ≤ 5)`,
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
