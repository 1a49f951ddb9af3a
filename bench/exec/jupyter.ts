/*
 * The Jupyter kernel API's cost against the site's own run API, in the same run on the same built
 * site (`npm run build && npx tsx bench/exec/jupyter.ts`, as root for the execution service):
 *   - Jupyter: one kernel, its WebSocket open; an `execute_request` of `print(1)` sent, until its
 *     `execute_reply` and the `status` `idle` after it (also the first `stream` output);
 *   - run API: `POST /api/v1/exec` with `print(1)` until its answer (a fresh session each time:
 *     what a client of the run API pays per cell).
 * Sequential round trips after a warm-up; prints median, p90 and mean of each and the ratio of the
 * medians. Prints figures; asserts nothing.
 *
 * Settings (environment): BENCH_RUNS (100), NEXT_DIST_DIR (the build to serve, default .next).
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { address, load, ms, quantile, startSite } from "../support/site";

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const WARMUP = 5;

type TFrame = { channel: string; header: { msg_type: string }; parent_header: { msg_id?: string }; content: { execution_state?: string; status?: string } };

/** Sends `print(1)` and resolves with ms to the first output and to the reply and idle both. */
function executeOnce(ws: WebSocket): Promise<{ firstOutput: number; done: number }> {
  return new Promise((resolve, reject) => {
    const msgId = randomUUID();
    const t0 = performance.now();
    let firstOutput = NaN;
    let replied = false;
    let idle = false;
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString()) as TFrame;
      if (m.parent_header.msg_id !== msgId) return;
      if (m.header.msg_type === "stream" && Number.isNaN(firstOutput)) firstOutput = performance.now() - t0;
      if (m.header.msg_type === "execute_reply") {
        if (m.content.status !== "ok") return finish(new Error(`execute_reply ${m.content.status}`));
        replied = true;
      }
      if (m.header.msg_type === "status" && m.content.execution_state === "idle") idle = true;
      if (replied && idle) finish(null);
    };
    const finish = (e: Error | null) => {
      ws.off("message", onMessage);
      if (e) reject(e);
      else resolve({ firstOutput, done: performance.now() - t0 });
    };
    ws.on("message", onMessage);
    ws.send(
      JSON.stringify({
        channel: "shell",
        header: { msg_id: msgId, msg_type: "execute_request", session: "bench", username: "bench", date: new Date().toISOString(), version: "5.3" },
        parent_header: {},
        metadata: {},
        content: { code: "print(1)", silent: false, store_history: true },
        buffers: [],
      }),
    );
  });
}

function summary(name: string, values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const median = quantile(sorted, 0.5);
  console.log(`${name.padEnd(48)} median ${ms(median).padStart(7)}  p90 ${ms(quantile(sorted, 0.9)).padStart(7)}  mean ${ms(mean).padStart(7)}`);
  return median;
}

async function main(): Promise<void> {
  const site = await startSite();
  try {
    const client = address();
    const headers = { "content-type": "application/json", "x-forwarded-for": client };
    const started = await fetch(`${site.baseUrl}/jupyter/api/kernels`, { method: "POST", headers, body: JSON.stringify({ name: "python" }) });
    if (started.status !== 201) throw new Error(`POST /jupyter/api/kernels answered ${started.status}: ${await started.text()}`);
    const { id } = (await started.json()) as { id: string };
    const ws = new WebSocket(`${site.baseUrl.replace(/^http/, "ws")}/jupyter/api/kernels/${id}/channels`, { headers: { "x-forwarded-for": client } });
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));

    const jupyter: { firstOutput: number; done: number }[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const r = await executeOnce(ws);
      if (i >= WARMUP) jupyter.push(r);
    }
    ws.close();
    await fetch(`${site.baseUrl}/jupyter/api/kernels/${id}`, { method: "DELETE", headers });

    const api: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const t0 = performance.now();
      const res = await fetch(`${site.baseUrl}/api/v1/exec`, { method: "POST", headers, body: JSON.stringify({ code: "print(1)" }) });
      const body = (await res.json()) as { status?: string };
      if (res.status !== 200 || body.status !== "ok") throw new Error(`POST /api/v1/exec answered ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      if (i >= WARMUP) api.push(performance.now() - t0);
    }

    console.log(`\nprint(1), ${RUNS} sequential round trips each (after ${WARMUP} warm-up); load average ${load()}`);
    summary(
      "Jupyter WebSocket: execute_request → stream",
      jupyter.map((r) => r.firstOutput),
    );
    const ws50 = summary(
      "Jupyter WebSocket: execute_request → reply+idle",
      jupyter.map((r) => r.done),
    );
    const api50 = summary("POST /api/v1/exec (new session each)", api);
    console.log(`ratio of medians, run API / Jupyter: ${(api50 / ws50).toFixed(2)}×`);
  } finally {
    await site.stop();
  }
}

await main();
