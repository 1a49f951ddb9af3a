/*
 * Session start through NATS against the embedded path, same run, same host
 * (`npx tsx bench/scale/session-start.ts`, as root, with NATS on 127.0.0.1:4222 or BENCH_NATS_URL).
 * Starts one execution host (lib/exec/service/main.ts) that serves both its loopback HTTP API
 * (what the embedded default uses) and NATS (a unique prefix), then runs `print(1)` to completion
 * in a fresh session, one at a time, alternating HTTP and NATS so load drifts hit both alike:
 * session start → output → close. Also the time to a first output of a run with a 200 KB tree,
 * first (shipped and fetched) and again (cached). Prints medians and the NATS/HTTP ratio
 * (target: ≤ 1.2); asserts nothing.
 *
 * Settings: BENCH_ROUNDS (40 per path).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createExecClient, type TExecClient } from "@/lib/exec/client";
import { createNatsExecClient } from "@/lib/exec/nats-client";
import { removeRunStreams, uniquePrefix } from "@/test/support/nats-hosts";
import { freePort } from "../../test/e2e/support/free-port";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const NATS_URL = process.env.BENCH_NATS_URL ?? "nats://127.0.0.1:4222";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
}

async function once(client: TExecClient, files: { path: string; content: string }[] = [], tree?: string): Promise<number> {
  const t0 = performance.now();
  const r = await client.runToCompletion({ files, ...(tree ? { tree } : {}), code: "print(1)", client: "bench" });
  if (r.status !== "ok") throw new Error(`run failed: ${JSON.stringify(r.outputs)}`);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const prefix = uniquePrefix();
  const execDir = mkdtempSync(path.join(tmpdir(), "cellar-bench-scale-"));
  const port = await freePort();
  const host = spawn(process.execPath, ["--import", "tsx", "lib/exec/service/main.ts"], {
    env: { ...process.env, NATS_URL, NATS_PREFIX: prefix, EXEC_HOST_ID: "bench", EXEC_URL: `http://127.0.0.1:${port}`, EXEC_DIR: execDir, EXEC_SAGE: "0" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const http = createExecClient(`http://127.0.0.1:${port}`);
  const nats = createNatsExecClient({ servers: [NATS_URL], auth: { kind: "none" }, prefix });
  try {
    for (let i = 0; !(await nats.hosts()).some((h) => h.id === "bench"); i++) {
      if (i > 600) throw new Error("the host did not come up");
      await new Promise((r) => setTimeout(r, 200));
    }
    for (let i = 0; i < 5; i++) await once(http).then(() => once(nats)); // warm both paths
    const times = { http: [] as number[], nats: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      times.http.push(await once(http));
      times.nats.push(await once(nats));
    }
    const files = [{ path: "data.txt", content: "x".repeat(200 * 1024) }];
    const shipped = await once(nats, files, "f".repeat(40));
    const cached = median([await once(nats, files, "f".repeat(40)), await once(nats, files, "f".repeat(40)), await once(nats, files, "f".repeat(40))]);
    const inline = median([await once(http, files), await once(http, files), await once(http, files)]);
    const h = median(times.http);
    const n = median(times.nats);
    console.log(`session start → print(1) → close, one at a time, ${ROUNDS} rounds each, same host, same run:`);
    console.log(`  embedded path (loopback HTTP): median ${h.toFixed(1)} ms`);
    console.log(`  NATS:                          median ${n.toFixed(1)} ms   ratio NATS/HTTP ${(n / h).toFixed(2)} (target ≤ 1.2)`);
    console.log(
      `with a 200 KB file: HTTP inline ${inline.toFixed(1)} ms; NATS first (ship + fetch) ${shipped.toFixed(1)} ms, then cached ${cached.toFixed(1)} ms`,
    );
  } finally {
    await nats.disconnect();
    host.kill("SIGTERM");
    await new Promise((r) => host.once("exit", r));
    rmSync(execDir, { recursive: true, force: true });
    await removeRunStreams(prefix);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
