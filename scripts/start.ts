/**
 * `npm start` / `npm run dev`: checks the environment, applies database migrations, then runs
 * Next (`next start`, or `next dev` with --dev) as a child process with the settings it needs.
 * A bad setting stops it here with one line per problem, before anything listens on a port.
 */
import { spawn } from "node:child_process";
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
  return runNext(env, dev);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error("Cellar cannot start:", e);
    process.exit(1);
  },
);
