/**
 * Entry of the execution service: `tsx lib/exec/service/main.ts` (or `bin/cellar exec-host`).
 * With NATS_URL it serves the site through NATS as host EXEC_HOST_ID (docs/scale.md), else
 * HTTP on EXEC_URL. Reads the EXEC_* and NATS_* environment,
 * removes the session cgroups an earlier service process left when it crashed (its run
 * directories' mounts are undone by startExecService, before any zygote starts), listens on
 * EXEC_URL's host and port (loopback), and exits non-zero with one line per problem when this
 * host cannot sandbox (no bwrap, cgroups not writable, ...).
 */
import { EnvError } from "@/lib/env-error";
import { parseExecEnv } from "@/lib/exec/config";
import { removeStaleCgroups } from "@/lib/exec/service/cgroups";
import { configFromEnv, ServiceUnavailableError, startExecService } from "@/lib/exec/service/service";

async function main(): Promise<number> {
  let config;
  try {
    config = configFromEnv(parseExecEnv());
  } catch (e) {
    const lines = e instanceof EnvError ? e.problems : [(e as Error).message];
    for (const line of lines) console.error(`exec: cannot start: ${line}`);
    return 1;
  }
  if (config.nats && !config.hostId) {
    console.error(
      "exec: cannot start: EXEC_HOST_ID is required with NATS_URL: each execution host needs its own id (1–16 lowercase letters or digits, e.g. EXEC_HOST_ID=a)",
    );
    return 1;
  }
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(config.host)) {
    console.error(`exec: cannot start: EXEC_URL must name a loopback address (got ${config.host}); the API has no authentication`);
    return 1;
  }
  try {
    // A crashed service leaves its sessions' processes running in their groups, holding memory.
    const removed = await removeStaleCgroups(config.cgroups);
    if (removed.length > 0) console.error(`exec: removed ${removed.length} cgroups left by an earlier run (their processes killed)`);
  } catch (e) {
    // Not fatal: the leftovers hold resources, but new sessions get groups of their own.
    console.error(`exec: ${(e as Error).message}`);
  }
  let service;
  try {
    service = await startExecService({ ...config, log: (line) => console.error(`exec: ${line}`) });
  } catch (e) {
    const lines = e instanceof ServiceUnavailableError ? e.problems : [(e as Error).message];
    for (const line of lines) console.error(`exec: cannot start: ${line}`);
    return 1;
  }
  console.log(
    `exec: ${config.nats ? `serving NATS ${config.nats.servers.join(",")} as host ${config.hostId}` : `listening on ${service.url}`} (kernels: ${[...config.kernels.keys()].join(", ")}; pool ${config.poolSize} per kernel)`,
  );
  return new Promise<number>((resolve) => {
    let closing = false;
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      // `on`, not `once`: a signal to the process group often arrives twice (directly, and
      // relayed by a wrapper such as tsx's CLI), and the second must not cut the shutdown (its
      // unmounts and cgroup removal) short by the default action.
      process.on(signal, () => {
        if (closing) return;
        closing = true;
        void service.close().finally(() => resolve(0));
      });
    }
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error("exec: crashed:", e);
    process.exit(1);
  },
);
