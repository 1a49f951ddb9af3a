import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseExecHosts } from "@/lib/exec/hosts";

/**
 * The environment, parsed once. Deliberately no `import "server-only"`: the launcher
 * (`scripts/start.ts`) and the CLI load this module outside React Server Components.
 */

/** 200 MB: what a user's snippets may take in the git store (lib/users/storage-quota.ts). */
export const DEFAULT_USER_STORAGE_BYTES = 200 * 1024 * 1024;

/** Empty strings count as "not set": `FOO= npm start` should mean the default, not an error. */
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const ZRawEnv = z.object({
  PORT: optionalText.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return 3000;
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 1 || n > 65535) {
          ctx.addIssue({ code: "custom", message: `PORT must be a whole number between 1 and 65535 (got "${v}")` });
          return z.NEVER;
        }
        return n;
      }),
  ),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .refine((v) => /^postgres(ql)?:\/\//.test(v), {
        message: "DATABASE_URL must be a PostgreSQL URL starting with postgresql:// or postgres://",
      })
      .optional(),
  ),
  PGLITE_DIR: optionalText,
  DATA_DIR: optionalText,
  REPOS_DIR: optionalText,
  AUTH_SECRET: optionalText.pipe(z.string().min(16, { message: "AUTH_SECRET must be at least 16 characters long" }).optional()),
  AUTH_URL: optionalText.pipe(
    z.string().refine(isHttpOrigin, { message: "AUTH_URL must be an http:// or https:// URL, e.g. https://cellar.example.org" }).optional(),
  ),
  TRUST_PROXY: optionalText.pipe(
    z
      .string()
      .regex(/^(true|false|\d)$/, { message: 'TRUST_PROXY must be the number of reverse proxies in front, 0 to 9 ("1" for one; "true" is 1)' })
      .optional()
      .transform((v) => (v === undefined || v === "false" ? 0 : v === "true" ? 1 : Number(v))),
  ),
  JUPYTER_ALLOW_ORIGINS: optionalText.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        const origins: string[] = [];
        for (const item of (v ?? "")
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean)) {
          // An origin is scheme://host[:port] and nothing else: what a browser sends in its Origin header.
          if (!isHttpOrigin(item) || new URL(item).origin !== item.replace(/\/+$/, "")) {
            ctx.addIssue({ code: "custom", message: `JUPYTER_ALLOW_ORIGINS must list origins like https://example.org, comma-separated (got "${item}")` });
            return z.NEVER;
          }
          origins.push(new URL(item).origin);
        }
        return origins;
      }),
  ),
  RATE_LIMIT_SCALE: optionalText.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return 1;
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 1 || n > 10_000) {
          ctx.addIssue({ code: "custom", message: `RATE_LIMIT_SCALE must be a whole number between 1 and 10000 (got "${v}")` });
          return z.NEVER;
        }
        return n;
      }),
  ),
  CELLAR_USER: optionalText.pipe(
    z
      .string()
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, "CELLAR_USER must be a system user name (lowercase letters, digits, '_' or '-')")
      .optional(),
  ),
  GITHUB_ID: optionalText,
  GITHUB_SECRET: optionalText,
  GITLAB_ID: optionalText,
  GITLAB_SECRET: optionalText,
  GITLAB_URL: optionalText.pipe(
    z.string().refine(isHttpOrigin, { message: "GITLAB_URL must be an http:// or https:// URL, e.g. https://gitlab.example.org" }).optional(),
  ),
  MEILI_URL: optionalText.pipe(
    z.string().refine(isHttpOrigin, { message: "MEILI_URL must be an http:// or https:// URL, e.g. http://127.0.0.1:7700" }).optional(),
  ),
  MEILI_KEY: optionalText,
  // Counted in an INTEGER column (prisma/schema.prisma), hence the ceiling.
  USER_STORAGE_BYTES: optionalText.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return DEFAULT_USER_STORAGE_BYTES;
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 1 || n > 2_147_483_647) {
          ctx.addIssue({ code: "custom", message: `USER_STORAGE_BYTES must be a whole number of bytes between 1 and 2147483647 (got "${v}")` });
          return z.NEVER;
        }
        return n;
      }),
  ),
  MEILI_INDEX: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, "MEILI_INDEX may use only letters, digits, '-' and '_' (up to 100)")
      .optional(),
  ),
});

function isHttpOrigin(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * Settings of the execution service (docs/exec.md section 3). Parsed on their own by
 * `parseExecEnv` because the service process gets only these (no database URL, no secrets).
 */
const execInt = (name: string, fallback: number, min: number, max: number) =>
  optionalText.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return fallback;
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < min || n > max) {
          ctx.addIssue({ code: "custom", message: `${name} must be a whole number between ${min} and ${max} (got "${v}")` });
          return z.NEVER;
        }
        return n;
      }),
  );

const ZRawExecEnv = z.object({
  EXEC_URL: optionalText.pipe(
    z
      .string()
      .refine((v) => isHttpOrigin(v) && v.startsWith("http://"), {
        message: "EXEC_URL must be an http:// URL, e.g. http://127.0.0.1:3101",
      })
      .optional(),
  ),
  // Several execution hosts for the site (lib/exec/hosts.ts); checked here so a typo stops the start.
  EXEC_HOSTS: optionalText.superRefine((v, ctx) => {
    if (v === undefined) return;
    try {
      parseExecHosts(v);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
    }
  }),
  EXEC_DIR: optionalText,
  EXEC_KERNELS: optionalText,
  EXEC_SAGE: optionalText.pipe(
    z.enum(["auto", "1", "0"], { error: 'EXEC_SAGE must be "auto" (offer the sage kernel when SageMath is installed), "1" or "0"' }).optional(),
  ),
  EXEC_MEMORY_MB: execInt("EXEC_MEMORY_MB", 512, 16, 1_048_576),
  // 0: the default, 75% of the host's RAM (configFromEnv).
  EXEC_MEMORY_TOTAL_MB: execInt("EXEC_MEMORY_TOTAL_MB", 0, 0, 1_073_741_824),
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
  EXEC_PIDS: execInt("EXEC_PIDS", 64, 4, 100_000),
  EXEC_CPU_SECONDS: execInt("EXEC_CPU_SECONDS", 30, 1, 86_400),
  EXEC_WALL_SECONDS: execInt("EXEC_WALL_SECONDS", 30, 1, 86_400),
  EXEC_OUTPUT_BYTES: execInt("EXEC_OUTPUT_BYTES", 1_048_576, 1024, 1_073_741_824),
  EXEC_FILES_BYTES: execInt("EXEC_FILES_BYTES", 52_428_800, 1024, 1_099_511_627_776),
  EXEC_NOFILE: execInt("EXEC_NOFILE", 1024, 16, 1_048_576),
  EXEC_POOL_SIZE: execInt("EXEC_POOL_SIZE", 2, 1, 64),
  EXEC_MAX_SESSIONS: execInt("EXEC_MAX_SESSIONS", 16, 1, 10_000),
  EXEC_QUEUE: execInt("EXEC_QUEUE", 32, 0, 100_000),
  EXEC_PER_CLIENT: execInt("EXEC_PER_CLIENT", 2, 1, 10_000),
  EXEC_IDLE_SECONDS: execInt("EXEC_IDLE_SECONDS", 600, 1, 86_400),
  EXEC_MAX_LIFE_SECONDS: execInt("EXEC_MAX_LIFE_SECONDS", 1800, 1, 604_800),
  // scatter/gather from cells (docs/exec.md, "Scatter/gather"); 0 workers: one per core.
  EXEC_SCATTER_WORKERS: execInt("EXEC_SCATTER_WORKERS", 0, 0, 1024),
  EXEC_SCATTER_MAX: execInt("EXEC_SCATTER_MAX", 64, 1, 100_000),
  EXEC_SCATTER_QUEUE: execInt("EXEC_SCATTER_QUEUE", 10_000, 1, 10_000_000),
  EXEC_SCATTER_CPU_SECONDS: execInt("EXEC_SCATTER_CPU_SECONDS", 600, 1, 10_000_000),
  EXEC_HOST_ID: z
    .string()
    .regex(/^[a-z0-9]{0,16}$/, "EXEC_HOST_ID must be up to 16 lowercase letters or digits (the id the site's EXEC_HOSTS gives this host)")
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
  /** This host's id in the site's EXEC_HOSTS ("" for a lone host): the prefix of its session ids. */
  hostId: string;
  /** scatter/gather: workers per job and client (0: one per core), tasks running per session, tasks unfinished per session, CPU seconds per job. */
  scatter: { workers: number; maxInFlight: number; maxQueued: number; cpuSecondsPerJob: number };
};

/** One plain sentence per zod issue, naming the variable. */
function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "environment");
    // Our messages already name the variable; zod's built-in ones don't.
    return issue.message.startsWith(key) ? issue.message : `${key}: ${issue.message}`;
  });
}

/**
 * Parses only the EXEC_* settings (the execution service's process has nothing else).
 * Throws `EnvError` listing every problem.
 */
export function parseExecEnv(source: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): TExecEnv {
  const parsed = ZRawExecEnv.safeParse(source);
  if (!parsed.success) throw new EnvError(issueLines(parsed.error));
  const raw = parsed.data;
  return {
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
  };
}

/** An OAuth application's credentials. */
export type TOAuthApp = { id: string; secret: string };

/** The parsed environment. Directories are absolute. */
export type TEnv = {
  port: number;
  /** Set → PostgreSQL through adapter-pg; absent → embedded PGlite in `pgliteDir`. */
  databaseUrl: string | undefined;
  pgliteDir: string;
  dataDir: string;
  reposDir: string;
  authSecret: string;
  /** Public origin, e.g. `https://cellar.example.org`; absent → `http://localhost:PORT`. */
  authUrl: string | undefined;
  /** Whether the right-most X-Forwarded-For entry names the client (one reverse proxy in front appends it). */
  /** How many reverse proxies in front append to X-Forwarded-For (0: none; the socket address counts). */
  trustProxy: number;
  /** Multiplies every per-client limit (RATE_LIMIT_SCALE, default 1): for test suites whose clients all share 127.0.0.1. */
  rateLimitScale: number;
  /** Origins whose pages may use the Jupyter kernel API (JUPYTER_ALLOW_ORIGINS, comma-separated; default none: same origin only). */
  jupyterAllowOrigins: string[];
  /** The unprivileged user the web server runs as when `npm start` runs as root (CELLAR_USER, default `cellar`). */
  webUser: string;
  /** Present only when both GITHUB_ID and GITHUB_SECRET are set. */
  github: TOAuthApp | undefined;
  /** Present only when both GITLAB_ID and GITLAB_SECRET are set; `url` defaults to gitlab.com. */
  gitlab: (TOAuthApp & { url: string }) | undefined;
  /** Present only when MEILI_URL is set: the search index lives in Meilisearch (lib/search/meili-engine.ts). */
  meili: TMeiliEnv | undefined;
  /** Bytes of repositories each user may have (USER_STORAGE_BYTES, default 200 MB). */
  userStorageBytes: number;
  /** The execution service's settings (EXEC_*). */
  exec: TExecEnv;
};

/** Where Meilisearch is: its URL, API key (if it needs one) and index name (default `snippets`). */
export type TMeiliEnv = { url: string; key: string | undefined; index: string };

/** Thrown when the environment is unusable; `problems` has one plain sentence each. */
export class EnvError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.name = "EnvError";
    this.problems = problems;
  }
}

function oauthApp(problems: string[], provider: string, prefix: string, id: string | undefined, secret: string | undefined): TOAuthApp | undefined {
  if (id && secret) return { id, secret };
  if (id || secret) {
    const [set, missing] = id ? [`${prefix}_ID`, `${prefix}_SECRET`] : [`${prefix}_SECRET`, `${prefix}_ID`];
    problems.push(`${set} is set but ${missing} is not: set both to enable ${provider} sign-in, or neither to disable it`);
  }
  return undefined;
}

/**
 * Reads AUTH_SECRET from `dataDir/auth-secret`, creating it (32 random bytes, base64url, mode 0600)
 * on first start so sessions survive restarts without the operator having to pick a secret.
 */
function loadOrCreateAuthSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing) return existing;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    // `wx`: if another process (say the CLI) raced us, keep its secret rather than overwrite it.
    writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    return secret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return readFileSync(file, "utf8").trim();
  }
}

/**
 * Parses `source` (default `process.env`) without memoising. Throws `EnvError` listing every problem.
 * Side effect: may create `DATA_DIR/auth-secret` when AUTH_SECRET is not set.
 */
export function parseEnv(source: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): TEnv {
  const parsed = ZRawEnv.safeParse(source);
  const problems: string[] = [];
  let exec: TExecEnv | undefined;
  try {
    exec = parseExecEnv(source, cwd);
  } catch (e) {
    if (!(e instanceof EnvError)) throw e;
    problems.push(...e.problems);
  }
  if (!parsed.success || exec === undefined) {
    if (!parsed.success) problems.push(...issueLines(parsed.error));
    // OAuth pairing checks still run on the raw values so the operator sees everything at once.
    oauthApp(problems, "GitHub", "GITHUB", source.GITHUB_ID?.trim() || undefined, source.GITHUB_SECRET?.trim() || undefined);
    oauthApp(problems, "GitLab", "GITLAB", source.GITLAB_ID?.trim() || undefined, source.GITLAB_SECRET?.trim() || undefined);
    throw new EnvError(problems);
  }
  const raw = parsed.data;
  const github = oauthApp(problems, "GitHub", "GITHUB", raw.GITHUB_ID, raw.GITHUB_SECRET);
  const gitlabApp = oauthApp(problems, "GitLab", "GITLAB", raw.GITLAB_ID, raw.GITLAB_SECRET);
  if (problems.length > 0) throw new EnvError(problems);

  const dataDir = path.resolve(cwd, raw.DATA_DIR ?? "data");
  return {
    port: raw.PORT,
    databaseUrl: raw.DATABASE_URL,
    pgliteDir: path.resolve(cwd, raw.PGLITE_DIR ?? path.join(dataDir, "pglite")),
    dataDir,
    reposDir: path.resolve(cwd, raw.REPOS_DIR ?? "repos"),
    authSecret: raw.AUTH_SECRET ?? loadOrCreateAuthSecret(dataDir),
    authUrl: raw.AUTH_URL?.replace(/\/+$/, ""),
    trustProxy: raw.TRUST_PROXY,
    rateLimitScale: raw.RATE_LIMIT_SCALE,
    jupyterAllowOrigins: raw.JUPYTER_ALLOW_ORIGINS,
    webUser: raw.CELLAR_USER ?? "cellar",
    github,
    gitlab: gitlabApp ? { ...gitlabApp, url: (raw.GITLAB_URL ?? "https://gitlab.com").replace(/\/+$/, "") } : undefined,
    meili: raw.MEILI_URL ? { url: raw.MEILI_URL, key: raw.MEILI_KEY, index: raw.MEILI_INDEX ?? "snippets" } : undefined,
    userStorageBytes: raw.USER_STORAGE_BYTES,
    exec,
  };
}

const globalForEnv = globalThis as typeof globalThis & { __cellarEnv?: TEnv };

/** The process's environment, parsed on first call and memoised. Throws `EnvError` when unusable. */
export function getEnv(): TEnv {
  globalForEnv.__cellarEnv ??= parseEnv();
  return globalForEnv.__cellarEnv;
}

/** Forget the memoised environment (tests that change process.env). */
export function resetEnvForTests(): void {
  delete globalForEnv.__cellarEnv;
}

/** The public origin of the site: AUTH_URL, or http://localhost:PORT. */
export function publicOrigin(env: TEnv = getEnv()): string {
  return env.authUrl ?? `http://localhost:${env.port}`;
}
