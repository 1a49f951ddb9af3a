/**
 * Offered load for the benchmarks: a closed loop (N in flight for a while; rate, latencies and CPU
 * per execution from optional meters) and an open loop (evenly spaced starts at a fixed rate).
 */

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/**
 * Runs `one` with `concurrency` in flight for `seconds` (and at least `minEach` times in each
 * lane, so that runs longer than the phase are still measured more than once); returns rate and
 * latencies (ms), and CPU ms per execution of each meter.
 */
export async function closedLoop(one: () => Promise<void>, concurrency: number, seconds: number, meters: { usage(): number }[] = [], minEach = 1) {
  const latencies: number[] = [];
  const cpu0 = meters.map((m) => m.usage());
  let failed = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = 0; performance.now() < end || i < minEach; i++) {
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
  // CPU ms per execution of each meter (service + sandboxes, benchmark client).
  const cpu = meters.map((m, i) => (m.usage() - cpu0[i]!) / 1e6 / Math.max(1, latencies.length));
  return { rate: latencies.length / elapsed, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), n: latencies.length, failed, cpu };
}

/** Starts `one` at `rate`/s evenly for `seconds`; latency from each start's due time. */
export async function openLoop(one: () => Promise<void>, rate: number, seconds: number) {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total;) {
    const now = performance.now();
    while (i < total && start + (i * 1000) / rate <= now) {
      const due = start + (i * 1000) / rate;
      inFlight.push(
        one().then(
          () => void latencies.push(performance.now() - due),
          () => void failed++,
        ),
      );
      i++;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, start + (i * 1000) / rate - performance.now())));
  }
  await Promise.all(inFlight);
  return { sent: total, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), failed };
}
