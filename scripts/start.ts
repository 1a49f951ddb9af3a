/**
 * `npm start` / `npm run dev`: checks the environment, applies database migrations, starts the
 * execution service (lib/exec/service, its own process, kept running by lib/exec/supervise.ts),
 * then runs the web server (scripts/web-server.ts: Next behind our node:http server) as a child
 * process with the settings it needs. Started as root, the launcher and the execution service
 * keep root (the sandbox needs it) while the web server runs as the unprivileged CELLAR_USER
 * (default `cellar`), owning the folders the site writes. With NATS_URL the service is this
 * machine's execution host on NATS (EXEC_HOST_ID, default `local`), one of the site's hosts;
 * EXEC_LOCAL=0 starts none (docs/scale.md). A bad setting stops it here with one
 * line per problem, before anything listens on a port. A host that cannot sandbox (no bwrap,
 * no cgroups) still gets the site, with Run answering that it is not available.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { rmSync } from "node:fs";
import path from "node:path";
import { EnvError, getEnv, publicOrigin, type TEnv } from "@/lib/env";
import { superviseService, type TSupervisor } from "@/lib/exec/supervise";
import { ensureWebUser, giveSiteFoldersTo, type TWebUser } from "./web-user";

const distDir = process.env.NEXT_DIST_DIR ?? ".next";

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
  rmSync(path.join(distDir, "server", "route-cache"), { recursive: true, force: true });
}

/**
 * How the execution service asks the site for the cells' `shared` values (docs/exec.md section
 * 5): the site on loopback and a random token made for this start (both processes get it),
 * unless the operator set EXEC_SITE_URL and EXEC_SITE_TOKEN.
 */
function siteCallback(env: TEnv): { url: string; token: string } {
  return env.exec.site ?? { url: `http://127.0.0.1:${env.port}`, token: randomBytes(32).toString("base64url") };
}

/** Environment variables the execution service gets: its own settings, never the site's secrets. */
function execServiceEnv(site: TEnv, callback: { url: string; token: string }): NodeJS.ProcessEnv {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", NODE_ENV: "production" };
  for (const [k, v] of Object.entries(process.env)) if ((k.startsWith("EXEC_") || k.startsWith("NATS_")) && v !== undefined) env[k] = v;
  // With NATS, the local host needs an id among the site's hosts (docs/scale.md).
  if (site.exec.nats && !site.exec.hostId) env.EXEC_HOST_ID = "local";
  // Resolved here, where DATA_DIR is known (the default lives under it).
  env.EXEC_DIR = site.exec.dir;
  env.EXEC_SITE_URL = callback.url;
  env.EXEC_SITE_TOKEN = callback.token;
  return env as NodeJS.ProcessEnv;
}

/**
 * Starts the execution service beside the web server (same lifetime; its lines prefixed
 * `[exec]`), waits until it answers /health, and starts it again whenever it dies. Resolves to
 * its supervisor; when the first start fails (logged) Run is unavailable and nothing restarts.
 */
async function startExecService(env: TEnv, callback: { url: string; token: string }): Promise<TSupervisor> {
  const supervisor = await superviseService({
    healthUrl: `${env.exec.url}/health`,
    log: (line) => console.log(`[exec] ${line}`),
    spawn: () => {
      // tsx as a loader (not its CLI, which runs the script in a child of its own): the process
      // the supervisor watches is the service itself, so its death is seen and nothing is orphaned.
      const child = spawn(process.execPath, ["--import", "tsx", "lib/exec/service/main.ts"], {
        env: execServiceEnv(env, callback),
        stdio: ["ignore", "pipe", "pipe"],
      });
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream! }).on("line", (line) => console.log(`[exec] ${line}`));
      }
      return child;
    },
  });
  if (!supervisor.started) {
    console.log("[exec] Run is not available on this server (the execution service did not start; see the lines above). The site starts without it.");
  }
  return supervisor;
}

function runWebServer(env: TEnv, dev: boolean, user: TWebUser | null, execStarted: boolean, callback: { url: string; token: string }): Promise<number> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/web-server.ts", ...(dev ? ["--dev"] : [])], {
    stdio: "inherit",
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    env: {
      ...process.env,
      NODE_ENV: dev ? "development" : "production",
      PORT: String(env.port),
      AUTH_SECRET: env.authSecret,
      NEXTAUTH_SECRET: env.authSecret,
      NEXTAUTH_URL: publicOrigin(env),
      EXEC_URL: env.exec.url,
      // The internal route for the service's `shared` requests answers this token only.
      EXEC_SITE_URL: callback.url,
      EXEC_SITE_TOKEN: callback.token,
      // The service answers now: snippets published without it get their thumbnails (web-server.ts).
      CELLAR_THUMBNAIL_SWEEP: execStarted ? "1" : "0",
      // Its home is /nonexistent: nothing may try to write there.
      NEXT_TELEMETRY_DISABLED: "1",
      ...(user ? { HOME: env.dataDir, USER: user.name, LOGNAME: user.name } : {}),
    },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => child.kill(signal));
  }
  return new Promise((resolve) => {
    child.on("error", (e) => {
      console.error(`Cellar cannot start: could not run the web server (${e.message})`);
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
  // Root keeps only what needs it (the sandbox); `npm run dev` serves a developer's own checkout
  // and stays as whoever ran it, since Next's dev server rewrites files across the project.
  let user: TWebUser | null = null;
  if (process.getuid?.() === 0 && !dev) {
    try {
      user = ensureWebUser(env.webUser);
      giveSiteFoldersTo(user, env, distDir);
    } catch (e) {
      console.error(`Cellar cannot start: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
  }
  const callback = siteCallback(env);
  // With NATS the site finds its hosts there (docs/scale.md); EXEC_LOCAL=0 runs the site alone.
  const exec: Pick<TSupervisor, "started" | "stop"> =
    env.exec.nats && !env.exec.local
      ? (console.log("[exec] EXEC_LOCAL=0: no execution host here; runs go to the hosts on NATS"), { started: true, stop: () => {} })
      : await startExecService(env, callback);
  // Same lifetime: the service ends with the launcher, however the web server ends.
  process.on("exit", () => exec.stop());
  // A signal means stop, not "the service died": no restart while the web server winds down.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => exec.stop());
  const code = await runWebServer(env, dev, user, exec.started, callback);
  exec.stop();
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error("Cellar cannot start:", e);
    process.exit(1);
  },
);
