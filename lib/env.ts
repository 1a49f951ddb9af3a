import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { EnvError, isHttpOrigin, issueLines, optionalText, wholeNumber } from "@/lib/env-error";
import { parseExecEnv, type TExecEnv } from "@/lib/exec/config";

export { EnvError };

/**
 * The environment, parsed once. Deliberately no `import "server-only"`: the launcher
 * (`scripts/start.ts`) and the CLI load this module outside React Server Components.
 */

/** 200 MB: what a user's snippets may take in the git store (lib/users/storage-quota.ts). */
export const DEFAULT_USER_STORAGE_BYTES = 200 * 1024 * 1024;

const ZRawEnv = z.object({
  PORT: wholeNumber("PORT", 3000, 1, 65535),
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
  RATE_LIMIT_SCALE: wholeNumber("RATE_LIMIT_SCALE", 1, 1, 10_000),
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
  USER_STORAGE_BYTES: wholeNumber("USER_STORAGE_BYTES", DEFAULT_USER_STORAGE_BYTES, 1, 2_147_483_647, "bytes"),
  MEILI_INDEX: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, "MEILI_INDEX may use only letters, digits, '-' and '_' (up to 100)")
      .optional(),
  ),
});

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
