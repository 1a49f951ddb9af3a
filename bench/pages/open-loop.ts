/*
 * A constant-rate ("open loop") load generator, the way wrk2 measures: requests are sent on a
 * fixed schedule whatever the server does, and each latency is counted from the moment the
 * request was due, so a stalled server is not excused by the requests it delayed
 * (coordinated omission). autocannon's fixed rate sends each connection's share in bursts,
 * which measures burst queueing rather than a steady 500 req/s; both are printed.
 */
import { Agent, request } from "node:http";

export type TOpenLoopResult = { sent: number; ok: number; failed: number; p50: number; p99: number; max: number };

/** GETs `url` at `rate` requests/s for `seconds`; latencies in ms from each request's due time. */
export async function openLoop(options: { url: string; rate: number; seconds: number }): Promise<TOpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();

  const one = (due: number) =>
    new Promise<void>((resolve) => {
      const req = request(options.url, { agent }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode === 200) latencies.push(performance.now() - due);
          else failed++;
          resolve();
        });
      });
      req.on("error", () => {
        failed++;
        resolve();
      });
      req.end();
    });

  for (let i = 0; i < total;) {
    const now = performance.now();
    // Send everything that is due; a late timer sends the backlog at once, each still timed from its slot.
    while (i < total && start + i * interval <= now) {
      inFlight.push(one(start + i * interval));
      i++;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + i * interval - performance.now())));
  }
  await Promise.all(inFlight);
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { sent: total, ok: latencies.length, failed, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? NaN };
}
