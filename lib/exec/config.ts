/**
 * The execution layer's settings: the service's EXEC_* limits and the NATS_* connection of a
 * multi-host setup (docs/scale.md). The site's lib/env.ts calls `parseExecEnv` so a bad value
 * stops the site too; the standalone execution host (lib/exec/service/main.ts) reads only these.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { EnvError, isHttpOrigin, issueLines, optionalText, wholeNumber } from "@/lib/env-error";

/** How a site or a host reaches NATS (docs/scale.md). At most one of user/password, token, nkey seed or creds. */
export type TNatsEnv = {
  /** Server URLs (`nats://host:port`). */
  servers: string[];
  auth:
    | { kind: "none" }
    | { kind: "user"; user: string; password: string }
    | { kind: "token"; token: string }
    | { kind: "nkey"; seed: string }
    | { kind: "creds"; creds: string };
  /** Starts every subject and the trees bucket's name (`cellar` unless NATS_PREFIX). */
  prefix: string;
};

type TRawExecEnv = z.infer<typeof ZRawExecEnv>;

/** NATS_* as a `TNatsEnv` (undefined without NATS_URL), pushing one sentence per problem. */
function natsEnv(raw: TRawExecEnv, problems: string[], cwd: string): TNatsEnv | undefined {
  const given = [
    raw.NATS_USER !== undefined || raw.NATS_PASSWORD !== undefined ? "NATS_USER/NATS_PASSWORD" : null,
    raw.NATS_TOKEN !== undefined ? "NATS_TOKEN" : null,
    raw.NATS_NKEY_SEED !== undefined ? "NATS_NKEY_SEED" : null,
    raw.NATS_CREDS !== undefined ? "NATS_CREDS" : null,
  ].filter((x): x is string => x !== null);
  if (raw.NATS_URL === undefined) {
    if (given.length > 0) problems.push(`${given[0]} is set but NATS_URL is not: set NATS_URL to use several execution hosts, or unset ${given[0]}`);
    return undefined;
  }
  if (given.length > 1) problems.push(`NATS credentials: set only one of ${given.join(", ")}`);
  if ((raw.NATS_USER === undefined) !== (raw.NATS_PASSWORD === undefined)) problems.push("NATS_USER and NATS_PASSWORD go together: set both or neither");
  let auth: TNatsEnv["auth"] = { kind: "none" };
  if (raw.NATS_USER !== undefined && raw.NATS_PASSWORD !== undefined) auth = { kind: "user", user: raw.NATS_USER, password: raw.NATS_PASSWORD };
  else if (raw.NATS_TOKEN !== undefined) auth = { kind: "token", token: raw.NATS_TOKEN };
  else if (raw.NATS_NKEY_SEED !== undefined) auth = { kind: "nkey", seed: raw.NATS_NKEY_SEED };
  else if (raw.NATS_CREDS !== undefined) {
    const file = path.resolve(cwd, raw.NATS_CREDS);
    try {
      auth = { kind: "creds", creds: readFileSync(file, "utf8") };
    } catch (e) {
      problems.push(`NATS_CREDS: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const servers = raw.NATS_URL.split(",").map((u) => u.trim());
  return { servers, auth, prefix: raw.NATS_PREFIX ?? "cellar" };
}

/**
 * Settings of the execution service (docs/exec.md section 3). Parsed on their own by
 * `parseExecEnv` because the service process gets only these (no database URL, no secrets).
 */
const ZRawExecEnv = z.object({
  EXEC_URL: optionalText.pipe(
    z
      .string()
      .refine((v) => isHttpOrigin(v) && v.startsWith("http://"), {
        message: "EXEC_URL must be an http:// URL, e.g. http://127.0.0.1:3101",
      })
      .optional(),
  ),
  EXEC_DIR: optionalText,
  EXEC_KERNELS: optionalText,
  EXEC_SAGE: optionalText.pipe(
    z.enum(["auto", "1", "0"], { error: 'EXEC_SAGE must be "auto" (offer the sage kernel when SageMath is installed), "1" or "0"' }).optional(),
  ),
  EXEC_MEMORY_MB: wholeNumber("EXEC_MEMORY_MB", 512, 16, 1_048_576),
  // 0: the default, 75% of the host's RAM (configFromEnv).
  EXEC_MEMORY_TOTAL_MB: wholeNumber("EXEC_MEMORY_TOTAL_MB", 0, 0, 1_073_741_824),
  EXEC_CPUS: optionalText.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return 1;
        const n = Number(v);
        if (!/^\d+(\.\d+)?$/.test(v) || n < 0.01 || n > 1024) {
          ctx.addIssue({ code: "custom", message: `EXEC_CPUS must be a number of cores between 0.01 and 1024, e.g. 1 or 0.5 (got "${v}")` });
          return z.NEVER;
        }
        return n;
      }),
  ),
  EXEC_PIDS: wholeNumber("EXEC_PIDS", 64, 4, 100_000),
  EXEC_CPU_SECONDS: wholeNumber("EXEC_CPU_SECONDS", 30, 1, 86_400),
  EXEC_WALL_SECONDS: wholeNumber("EXEC_WALL_SECONDS", 30, 1, 86_400),
  EXEC_OUTPUT_BYTES: wholeNumber("EXEC_OUTPUT_BYTES", 1_048_576, 1024, 1_073_741_824),
  EXEC_FILES_BYTES: wholeNumber("EXEC_FILES_BYTES", 52_428_800, 1024, 1_099_511_627_776),
  EXEC_NOFILE: wholeNumber("EXEC_NOFILE", 1024, 16, 1_048_576),
  EXEC_POOL_SIZE: wholeNumber("EXEC_POOL_SIZE", 2, 1, 64),
  EXEC_MAX_SESSIONS: wholeNumber("EXEC_MAX_SESSIONS", 16, 1, 10_000),
  EXEC_QUEUE: wholeNumber("EXEC_QUEUE", 32, 0, 100_000),
  EXEC_PER_CLIENT: wholeNumber("EXEC_PER_CLIENT", 2, 1, 10_000),
  EXEC_IDLE_SECONDS: wholeNumber("EXEC_IDLE_SECONDS", 600, 1, 86_400),
  EXEC_MAX_LIFE_SECONDS: wholeNumber("EXEC_MAX_LIFE_SECONDS", 1800, 1, 604_800),
  // scatter/gather from cells (docs/exec.md, "Scatter/gather"); 0 workers: one per core.
  EXEC_SCATTER_WORKERS: wholeNumber("EXEC_SCATTER_WORKERS", 0, 0, 1024),
  EXEC_SCATTER_MAX: wholeNumber("EXEC_SCATTER_MAX", 64, 1, 100_000),
  EXEC_SCATTER_QUEUE: wholeNumber("EXEC_SCATTER_QUEUE", 10_000, 1, 10_000_000),
  EXEC_SCATTER_CPU_SECONDS: wholeNumber("EXEC_SCATTER_CPU_SECONDS", 600, 1, 10_000_000),
  // The site's internal route for `shared` (docs/exec.md section 5); scripts/start.ts sets both for its own host.
  EXEC_SITE_URL: optionalText.pipe(
    z.string().refine(isHttpOrigin, { message: "EXEC_SITE_URL must be the site's http(s) URL as this host reaches it, e.g. http://127.0.0.1:3000" }).optional(),
  ),
  EXEC_SITE_TOKEN: optionalText.pipe(
    z.string().min(32, "EXEC_SITE_TOKEN must be at least 32 characters (a random secret shared by the site and its execution hosts)").optional(),
  ),
  EXEC_TREE_CACHE_MB: wholeNumber("EXEC_TREE_CACHE_MB", 256, 1, 1_048_576),
  EXEC_LOCAL: optionalText.pipe(
    z.enum(["0", "1"], { error: 'EXEC_LOCAL must be "1" (run an execution host beside the site) or "0" (the site alone)' }).optional(),
  ),
  NATS_URL: optionalText.pipe(
    z
      .string()
      .refine((v) => v.split(",").every((u) => /^(nats|tls|wss?):\/\/[^\s/]+$/.test(u.trim()) || /^[^\s/:]+:\d+$/.test(u.trim())), {
        message: "NATS_URL must be nats://host:port (several separated by commas), e.g. nats://127.0.0.1:4222",
      })
      .optional(),
  ),
  NATS_USER: optionalText,
  NATS_PASSWORD: optionalText,
  NATS_TOKEN: optionalText,
  NATS_NKEY_SEED: optionalText.pipe(
    z
      .string()
      .regex(/^SU[A-Z2-7]{56}$/, "NATS_NKEY_SEED must be a user nkey seed (SU..., 58 characters; `nsc generate nkey --user` or `nk -gen user`)")
      .optional(),
  ),
  NATS_CREDS: optionalText,
  NATS_PREFIX: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, "NATS_PREFIX must be 1–32 letters, digits, _ or - (it starts every subject and bucket name)")
      .optional(),
  ),
  EXEC_HOST_ID: z
    .string()
    .regex(
      /^[a-z0-9]{0,16}$/,
      "EXEC_HOST_ID must be up to 16 lowercase letters or digits (this execution host's id: the prefix of its session ids, and its NATS subjects)",
    )
    .default(""),
});

/** The execution service's settings; `dir` and `kernelsFile` are absolute. */
export type TExecEnv = {
  /** Where the service listens and the site's client connects (loopback). */
  url: string;
  dir: string;
  /** A JSON file of extra kernel descriptions (lib/exec/kernels.ts), or undefined for the default `python`. */
  kernelsFile: string | undefined;
  /** Whether to offer the `sage` kernel (EXEC_SAGE: auto by default). */
  sage: "auto" | "on" | "off";
  memoryMb: number;
  /** The memory of all sessions together, in MB; 0: 75% of the host's RAM. */
  memoryTotalMb: number;
  /** Each session's CPU share in cores (a CFS quota; may be fractional). */
  cpus: number;
  pids: number;
  cpuSeconds: number;
  wallSeconds: number;
  outputBytes: number;
  filesBytes: number;
  /** Open files per sandboxed process (RLIMIT_NOFILE). */
  nofile: number;
  poolSize: number;
  maxSessions: number;
  queue: number;
  perClient: number;
  idleSeconds: number;
  /** The longest a session (a live interact) lives, however active. */
  maxLifeSeconds: number;
  /** This host's id ("" for the embedded host): the prefix of its session ids and, with NATS, of its subjects. */
  /** scatter/gather: workers per job and client (0: one per core), tasks running per session, tasks unfinished per session, CPU seconds per job. */
  scatter: { workers: number; maxInFlight: number; maxQueued: number; cpuSecondsPerJob: number };
  hostId: string;
  /** The shipped snippet trees this host keeps on disk (EXEC_TREE_CACHE_MB), in bytes. */
  treeCacheBytes: number;
  /** Whether `npm start` runs an execution host beside the site (EXEC_LOCAL, default on). */
  local: boolean;
  /** The NATS connection of a multi-host setup (NATS_*), or undefined for the embedded default. */
  nats: TNatsEnv | undefined;
  /**
   * How this host reaches the site for the cells' `shared` (EXEC_SITE_URL, EXEC_SITE_TOKEN), and
   * what the site's internal route expects; undefined: `shared` is not available.
   */
  site: { url: string; token: string } | undefined;
};

/**
 * Parses only the EXEC_* settings (the execution service's process has nothing else).
 * Throws `EnvError` listing every problem.
 */
export function parseExecEnv(source: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): TExecEnv {
  const parsed = ZRawExecEnv.safeParse(source);
  if (!parsed.success) throw new EnvError(issueLines(parsed.error));
  const raw = parsed.data;
  const problems: string[] = [];
  const env: TExecEnv = {
    url: (raw.EXEC_URL ?? "http://127.0.0.1:3101").replace(/\/+$/, ""),
    // Under DATA_DIR by default, so each site (and each test run) has its own run directories.
    dir: path.resolve(cwd, raw.EXEC_DIR ?? path.join(source.DATA_DIR?.trim() || "data", "exec")),
    kernelsFile: raw.EXEC_KERNELS === undefined ? undefined : path.resolve(cwd, raw.EXEC_KERNELS),
    sage: raw.EXEC_SAGE === "1" ? "on" : raw.EXEC_SAGE === "0" ? "off" : "auto",
    memoryMb: raw.EXEC_MEMORY_MB,
    memoryTotalMb: raw.EXEC_MEMORY_TOTAL_MB,
    cpus: raw.EXEC_CPUS,
    pids: raw.EXEC_PIDS,
    cpuSeconds: raw.EXEC_CPU_SECONDS,
    wallSeconds: raw.EXEC_WALL_SECONDS,
    outputBytes: raw.EXEC_OUTPUT_BYTES,
    filesBytes: raw.EXEC_FILES_BYTES,
    nofile: raw.EXEC_NOFILE,
    poolSize: raw.EXEC_POOL_SIZE,
    maxSessions: raw.EXEC_MAX_SESSIONS,
    queue: raw.EXEC_QUEUE,
    perClient: raw.EXEC_PER_CLIENT,
    idleSeconds: raw.EXEC_IDLE_SECONDS,
    maxLifeSeconds: raw.EXEC_MAX_LIFE_SECONDS,
    hostId: raw.EXEC_HOST_ID,
    scatter: {
      workers: raw.EXEC_SCATTER_WORKERS,
      maxInFlight: raw.EXEC_SCATTER_MAX,
      maxQueued: raw.EXEC_SCATTER_QUEUE,
      cpuSecondsPerJob: raw.EXEC_SCATTER_CPU_SECONDS,
    },
    treeCacheBytes: raw.EXEC_TREE_CACHE_MB * 1024 * 1024,
    local: raw.EXEC_LOCAL !== "0",
    nats: natsEnv(raw, problems, cwd),
    site:
      raw.EXEC_SITE_URL !== undefined && raw.EXEC_SITE_TOKEN !== undefined
        ? { url: raw.EXEC_SITE_URL.replace(/\/+$/, ""), token: raw.EXEC_SITE_TOKEN }
        : undefined,
  };
  if ((raw.EXEC_SITE_URL === undefined) !== (raw.EXEC_SITE_TOKEN === undefined)) {
    problems.push("EXEC_SITE_URL and EXEC_SITE_TOKEN go together: set both (`shared` in cells asks the site through them) or neither");
  }
  if (problems.length > 0) throw new EnvError(problems);
  return env;
}

/**
 * The execution settings of this process, parsed on first call (throws `EnvError` when unusable).
 * The site's getEnv() parses the same variables first, so the site never starts with bad ones.
 */
let cached: TExecEnv | undefined;
export function execConfig(): TExecEnv {
  cached ??= parseExecEnv();
  return cached;
}

/** Forgets the parsed settings (tests that change the environment). */
export function resetExecConfigForTests(): void {
  cached = undefined;
}
