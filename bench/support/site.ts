/**
 * What the browser benchmarks share: the built site on fresh data (started by the e2e suite's own
 * starter), a user who creates snippets through the API, client addresses, quantiles.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { z } from "zod";
import { signIn, signUp, uniqueUsername } from "../../test/e2e/fixtures";
import { freePort } from "../../test/e2e/support/free-port";
import { stopProcessGroup } from "../../test/e2e/support/process-group";

export const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");

/** The built site on fresh data, started by the e2e suite's starter in its own process group. */
export async function startSite(): Promise<{ baseUrl: string; execUrl: string; stop: () => Promise<void> }> {
  const distDir = process.env.NEXT_DIST_DIR ?? ".next";
  if (!existsSync(join(distDir, "BUILD_ID"))) throw new Error(`no built site in ${distDir}/: build it first (see the top of the benchmark's file)`);
  // BENCH_PORT / BENCH_EXEC_PORT: fixed ports where several people share the machine.
  const port = Number(process.env.BENCH_PORT) || (await freePort());
  const execPort = Number(process.env.BENCH_EXEC_PORT) || (await freePort());
  // The execution service's own port and directory: the defaults (3101, data/exec) are shared
  // with any other site started from this checkout, and a starting service empties its directory.
  const execDir = mkdtempSync(join(tmpdir(), "cellar-bench-exec-"));
  console.log(`starting the built site (${distDir}) on port ${port}, its execution service on ${execPort}; load average ${load()}`);
  const server: ChildProcess = spawn("npx", ["--no-install", "tsx", "test/e2e/support/serve-fresh.ts"], {
    env: { ...process.env, CELLAR_E2E_PORT: String(port), CELLAR_E2E_EXEC_URL: `http://127.0.0.1:${execPort}`, EXEC_DIR: execDir },
    stdio: ["ignore", process.env.BENCH_SITE_LOG ? openSync(process.env.BENCH_SITE_LOG, "a") : "ignore", "inherit"],
    detached: true,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcessGroup(server, 20_000);
    rmSync(execDir, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stop().finally(() => process.exit(130)));
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the site exited with code ${server.exitCode}`);
      if (Date.now() > deadline) throw new Error("the site did not answer within 120 s");
      const up = await fetch(baseUrl + "/").then(
        (r) => r.arrayBuffer().then(() => r.ok),
        () => false,
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // Run needs the execution service beside the site; without it there is nothing to measure.
    const probe = await fetch(baseUrl + "/api/v1/exec", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": address() },
      body: JSON.stringify({ code: "print('ok')" }),
    });
    if (probe.status !== 200)
      throw new Error(`the execution service is not available: POST /api/v1/exec answered ${probe.status}: ${(await probe.text()).slice(0, 200)}`);
    return { baseUrl, execUrl: `http://127.0.0.1:${execPort}`, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

const ZCreated = z.object({ url: z.string() });

/** A new user creates a one-file snippet (`file`: main.py, or main.sage for a Sage snippet) through the API; returns its page path. */
export async function createSnippet(api: APIRequestContext, title: string, code: string, file = "main.py"): Promise<string> {
  const user = { username: uniqueUsername("bench"), password: `pw-${randomBytes(9).toString("hex")}` };
  await signUp(api, user);
  await signIn(api, user);
  const response = await api.post("/api/v1/snippets", { data: { title, files: [{ path: file, content: code }] } });
  if (response.status() !== 201) throw new Error(`POST /api/v1/snippets answered ${response.status()}: ${(await response.text()).slice(0, 300)}`);
  return new URL(ZCreated.parse(await response.json()).url).pathname;
}

/** A client address from the RFC 2544 benchmarking range (as the e2e fixtures use); nothing is sent there. */
export function address(): string {
  const [a = 0, b = 0, c = 0] = randomBytes(3);
  return `198.${18 + (a % 2)}.${b}.${c}`;
}

/** The q-quantile of ascending `sorted`. */
export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

export const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
