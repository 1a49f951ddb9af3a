/**
 * Wires the execution service together: checks the host, prepares EXEC_DIR (matplotlib cache),
 * starts one zygote pool per kernel, and serves the HTTP API. Used by main.ts and, in-process, by
 * the tests and the benchmark.
 */
import { chmodSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { availableParallelism, totalmem } from "node:os";
import type { TExecEnv, TNatsEnv } from "@/lib/exec/config";
import { connectNats, hostInboxPrefix } from "@/lib/exec/nats/wire";
import { loadKernels, type TKernel } from "@/lib/exec/kernels";
import { CellRequests } from "@/lib/exec/service/cell-requests";
import { prepareCgroups, removeSpareCgroups, type TCgroupOptions } from "@/lib/exec/service/cgroups";
import type { TLimits } from "@/lib/exec/service/limits";
import { detachAll, Mounter, prepareSessionsMount } from "@/lib/exec/service/mounts";
import { ZygotePool } from "@/lib/exec/service/pool";
import { Registry } from "@/lib/exec/service/registry";
import { ScatterManager, type TScatterConfig } from "@/lib/exec/service/scatter";
import { prepareExecDir, RUNNER_DIR, sandboxProblems, sessionsDir, type TSandboxPaths } from "@/lib/exec/service/sandbox";
import { startNatsHost, type TNatsHost } from "@/lib/exec/service/nats-host";
import { createExecServer } from "@/lib/exec/service/server";
import { registerSharedOps, siteSharedBackend, type TSharedBackend } from "@/lib/exec/service/shared-values";

export type TServiceConfig = {
  execDir: string;
  runnerDir?: string;
  kernels: Map<string, TKernel>;
  limits: TLimits;
  poolSize: number;
  maxSessions: number;
  perClient: number;
  queue: number;
  idleSeconds: number;
  maxLifeSeconds?: number;
  /** This host's id: session ids start with it and a dash, so a site on NATS sends a session's requests to its host. */
  hostId?: string;
  retainSeconds?: number;
  interruptGraceMs?: number;
  /** Sessions kept pre-spawned while the service is idle (default 2; 0 turns it off). */
  prespawn?: number;
  /** The cgroups' parents; `memoryTotalBytes` defaults to 75% of the host's RAM. */
  cgroups?: TCgroupOptions;
  /**
   * Serve the site through NATS too (a multi-host setup, docs/scale.md): `hostId` is then
   * required, and the shipped trees are cached up to `treeCacheBytes`.
   */
  nats?: TNatsEnv | undefined;
  treeCacheBytes?: number;
  /**
   * Answers the cells' `shared` requests for a session's scope (shared-values.ts): in-process
   * (tests) or `siteSharedBackend` (EXEC_SITE_URL + EXEC_SITE_TOKEN). Unset: `shared` answers
   * that it is not available here.
   */
  sharedBackend?: TSharedBackend | undefined;
  /** scatter/gather budgets (scatter.ts); `workers` 0 or unset: one per core. */
  scatter?: Partial<Pick<TScatterConfig, "workers" | "maxInFlight" | "maxQueued" | "cpuSecondsPerJob">>;
  host: string;
  /** 0 → any free port (tests). */
  port: number;
  log?: (line: string) => void;
};

export type TExecService = {
  /** The HTTP API's base URL (loopback; with NATS too, for the launcher's health checks). */
  url: string;
  /** The NATS side, when serving through NATS. */
  natsHost?: TNatsHost | undefined;
  registry: Registry;
  scatter: ScatterManager;
  pools: Map<string, ZygotePool>;
  close: () => Promise<void>;
};

/** The service's configuration from the parsed EXEC_* environment. */
export function configFromEnv(env: TExecEnv): TServiceConfig {
  const url = new URL(env.url);
  return {
    execDir: env.dir,
    kernels: loadKernels(env.kernelsFile, env.sage),
    limits: {
      memoryBytes: env.memoryMb * 1024 * 1024,
      pids: env.pids,
      cpus: env.cpus,
      cpuSeconds: env.cpuSeconds,
      wallSeconds: env.wallSeconds,
      outputBytes: env.outputBytes,
      filesBytes: env.filesBytes,
      fileCount: 10_000,
      nofile: env.nofile,
    },
    poolSize: env.poolSize,
    maxSessions: env.maxSessions,
    perClient: env.perClient,
    queue: env.queue,
    idleSeconds: env.idleSeconds,
    maxLifeSeconds: env.maxLifeSeconds,
    hostId: env.hostId,
    nats: env.nats,
    treeCacheBytes: env.treeCacheBytes,
    scatter: env.scatter,
    sharedBackend: env.site ? siteSharedBackend({ url: env.site.url, token: env.site.token, log: (line) => console.error(`exec: ${line}`) }) : undefined,
    cgroups: env.memoryTotalMb > 0 ? { memoryTotalBytes: env.memoryTotalMb * 1024 * 1024 } : {},
    host: url.hostname,
    port: Number(url.port || 80),
  };
}

/** Thrown when this host cannot run the service; `problems` has one plain sentence each. */
export class ServiceUnavailableError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ServiceUnavailableError";
  }
}

/**
 * Starts the service and resolves once it listens and every kernel has a ready zygote.
 * Throws `ServiceUnavailableError` when bwrap, namespaces or cgroups are missing.
 */
export async function startExecService(config: TServiceConfig): Promise<TExecService> {
  const log = config.log ?? ((line: string) => console.log(line));
  const paths: TSandboxPaths = { execDir: config.execDir, runnerDir: config.runnerDir ?? RUNNER_DIR };
  mkdirSync(config.execDir, { recursive: true });
  chmodSync(config.execDir, 0o711); // the sandbox user walks through it to /sessions and /mplconfig
  // Sessions together may not take the host: a share of its RAM unless configured.
  const cgroups: TCgroupOptions = { ...config.cgroups, memoryTotalBytes: config.cgroups?.memoryTotalBytes ?? Math.floor(totalmem() * 0.75) };
  const problems = [...sandboxProblems(paths), ...prepareCgroups(cgroups)];
  if (problems.length > 0) throw new ServiceUnavailableError(problems);

  const defaultKernel = config.kernels.get("python") ?? [...config.kernels.values()][0];
  if (!defaultKernel) throw new ServiceUnavailableError(["no kernel is configured"]);
  // Run directories of an earlier run have no session any more; the sessions folder becomes a
  // shared tmpfs before any zygote binds it (mounts.ts).
  const mounts = new Mounter();
  try {
    await prepareSessionsMount(mounts, sessionsDir(config.execDir));
  } catch (e) {
    mounts.close();
    throw new ServiceUnavailableError([`cannot mount the sessions' run directories: ${(e as Error).message}`]);
  }
  await prepareExecDir(defaultKernel, paths);

  const pools = new Map<string, ZygotePool>();
  for (const kernel of config.kernels.values()) pools.set(kernel.name, new ZygotePool(kernel, paths, config.poolSize, log));
  const requests = new CellRequests(log);
  registerSharedOps(requests, config.sharedBackend);
  const registry = new Registry({
    maxSessions: config.maxSessions,
    perClient: config.perClient,
    queue: config.queue,
    prespawn: config.prespawn ?? 2,
    // The default kernel's first: its zygote is ready first, and most runs are Python.
    prespawnKernels: [defaultKernel.name, ...[...config.kernels.keys()].filter((k) => k !== defaultKernel.name)],
    hostId: config.hostId ?? "",
    kernels: [...pools.keys()],
    sessionOptions: (name) => {
      const pool = pools.get(name);
      if (!pool) return undefined;
      return {
        execDir: config.execDir,
        pool,
        limits: config.limits,
        idleSeconds: config.idleSeconds,
        maxLifeSeconds: config.maxLifeSeconds ?? 1800,
        retainSeconds: config.retainSeconds ?? 900,
        interruptGraceMs: config.interruptGraceMs ?? 2000,
        cgroups,
        mounts,
        log,
        requests,
      };
    },
  });
  const scatter = new ScatterManager({
    registry,
    requests,
    log,
    config: {
      workers: config.scatter?.workers || availableParallelism(),
      maxInFlight: config.scatter?.maxInFlight ?? 64,
      maxQueued: config.scatter?.maxQueued ?? 10_000,
      cpuSecondsPerJob: config.scatter?.cpuSecondsPerJob ?? 600,
      wallSeconds: config.limits.wallSeconds,
      outputBytes: config.limits.outputBytes,
    },
  });
  const server = createExecServer({
    registry,
    log,
    health: () => {
      const stats = registry.stats();
      let ready = 0;
      for (const pool of pools.values()) ready += pool.readyCount;
      return { ok: ready > 0, pool: { ready, busy: stats.busy }, queue: stats.queue, sessions: stats.sessions, kernels: [...pools.keys()] };
    },
  });
  let natsHost: TNatsHost | undefined;
  let natsConnection: Awaited<ReturnType<typeof connectNats>> | undefined;
  const close = async () => {
    await natsHost?.close().catch((e: Error) => log(e.message));
    await natsConnection?.drain().catch(() => {});
    if (server.listening) {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    scatter.close();
    await registry.closeAll();
    await removeSpareCgroups(cgroups);
    for (const pool of pools.values()) pool.close();
    // Run directories still retained for download go with the service.
    await detachAll(mounts, sessionsDir(config.execDir)).catch((e: Error) => log(e.message));
    mounts.close();
  };
  try {
    // The default kernel's zygotes before listening; others (Sage takes ~10 s to import) go on
    // starting behind it, and a session asking for one waits for it (ZygotePool.acquire).
    await pools.get(defaultKernel.name)?.whenReady(60_000);
    if (config.nats) {
      natsConnection = await connectNats(config.nats, `cellar exec host ${config.hostId ?? ""}`, { inboxPrefix: hostInboxPrefix(config.hostId ?? "") });
      natsHost = await startNatsHost({
        nc: natsConnection,
        prefix: config.nats.prefix,
        hostId: config.hostId ?? "",
        registry,
        kernels: [...pools.keys()],
        capacity: config.maxSessions,
        execDir: config.execDir,
        treeCacheBytes: config.treeCacheBytes ?? 256 * 1024 * 1024,
        log,
      });
    }
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (e) {
    await close().catch(() => {});
    throw e;
  }
  const address = server.address() as AddressInfo;
  return { url: `http://${config.host}:${address.port}`, registry, scatter, pools, natsHost, close };
}
