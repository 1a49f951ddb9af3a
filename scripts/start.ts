/**
 * `npm start` / `npm run dev`: checks the environment, applies database migrations, starts the
 * execution service (lib/exec/service, its own process), then runs Next (`next start`, or
 * `next dev` with --dev) as a child process with the settings it needs. A bad setting stops it
 * here with one line per problem, before anything listens on a port. A host that cannot sandbox
 * (no bwrap, no cgroups) still gets the site, with Run answering that it is not available.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { rmSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { EnvError, getEnv, publicOrigin, type TEnv } from "@/lib/env";

async function migrate(): Promise<void> {
  // Loaded lazily so that an environment error is reported without loading Prisma first.
  const { applyMigrations } = await import("@/lib/db/migrate");
  const { closeDb } = await import("@/lib/db/client");
  try {
    await applyMigrations({ log: (line) => console.log(line) });
  } finally {
    // Releases the embedded database so the Next server process can own it.
    await closeDb();
  }
}

/**
 * Forgets pages cached by an earlier run. Snippet pages are cached on disk and kept fresh by
 * the site's own writes; what changed while it was down (the seed, another database) would
 * otherwise be served stale, or as a cached 404.
 */
function dropPageCache(): void {
  rmSync(path.join(process.env.NEXT_DIST_DIR ?? ".next", "server", "route-cache"), { recursive: true, force: true });
}

/** Environment variables the execution service gets: its own settings, never the site's secrets. */
function execServiceEnv(site: TEnv): NodeJS.ProcessEnv {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", NODE_ENV: "production" };
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith("EXEC_") && v !== undefined) env[k] = v;
  // Resolved here, where DATA_DIR is known (the default lives under it).
  env.EXEC_DIR = site.exec.dir;
  return env as NodeJS.ProcessEnv;
}

/**
 * Starts the execution service beside Next (same lifetime; its lines prefixed `[exec]`) and waits
 * until it answers /health. Resolves to the child, or null when it could not start (logged).
 */
async function startExecService(env: TEnv): Promise<ChildProcess | null> {
  const require = createRequire(import.meta.url);
  const child = spawn(process.execPath, [require.resolve("tsx/cli"), "lib/exec/service/main.ts"], {
    env: execServiceEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on("line", (line) => console.log(`[exec] ${line}`));
  }
  let exited = false;
  child.on("exit", () => (exited = true));
  const deadline = Date.now() + 90_000;
  while (!exited && Date.now() < deadline) {
    try {
      const res = await fetch(`${env.exec.url}/health`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!exited) child.kill("SIGTERM");
  console.log("[exec] Run is not available on this server (the execution service did not start; see the lines above). The site starts without it.");
  return null;
}

function runNext(env: TEnv, dev: boolean): Promise<number> {
  const require = createRequire(import.meta.url);
  const nextBin = require.resolve("next/dist/bin/next");
  const child = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-p", String(env.port)], {
    stdio: "inherit",
    env: {
      ...process.env,
      NODE_ENV: dev ? "development" : "production",
      AUTH_SECRET: env.authSecret,
      NEXTAUTH_SECRET: env.authSecret,
      NEXTAUTH_URL: publicOrigin(env),
      EXEC_URL: env.exec.url,
    },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => child.kill(signal));
  }
  return new Promise((resolve) => {
    child.on("error", (e) => {
      console.error(`Cellar cannot start: could not run Next (${e.message})`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : 1)));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1;
}

async function main(): Promise<number> {
  const dev = process.argv.includes("--dev");
  let env: TEnv;
  try {
    env = getEnv(); // also creates DATA_DIR/auth-secret on first start
  } catch (e) {
    if (!(e instanceof EnvError)) throw e;
    console.error(["Cellar cannot start:", ...e.problems.map((p) => `  - ${p}`)].join("\n"));
    return 1;
  }
  try {
    await migrate();
  } catch (e) {
    console.error(`Cellar cannot start: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  dropPageCache();
  const exec = await startExecService(env);
  // Same lifetime: the service ends with the launcher, however Next ends.
  const stopExec = () => exec?.kill("SIGTERM");
  process.on("exit", stopExec);
  const code = await runNext(env, dev);
  stopExec();
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error("Cellar cannot start:", e);
    process.exit(1);
  },
);
