import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The environment, parsed once. Deliberately no `import "server-only"`: the launcher
 * (`scripts/start.ts`) and the CLI load this module outside React Server Components.
 */

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
  AUTH_SECRET: optionalText.pipe(
    z.string().min(16, { message: "AUTH_SECRET must be at least 16 characters long" }).optional(),
  ),
  AUTH_URL: optionalText.pipe(
    z
      .string()
      .refine(isHttpOrigin, { message: "AUTH_URL must be an http:// or https:// URL, e.g. https://cellar.example.org" })
      .optional(),
  ),
  TRUST_PROXY: optionalText.pipe(
    z
      .enum(["0", "1", "true", "false"], { message: 'TRUST_PROXY must be "1" or "0"' })
      .optional()
      .transform((v) => v === "1" || v === "true"),
  ),
  GITHUB_ID: optionalText,
  GITHUB_SECRET: optionalText,
  GITLAB_ID: optionalText,
  GITLAB_SECRET: optionalText,
  GITLAB_URL: optionalText.pipe(
    z
      .string()
      .refine(isHttpOrigin, { message: "GITLAB_URL must be an http:// or https:// URL, e.g. https://gitlab.example.org" })
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
  /** Whether X-Forwarded-For names the client (set when a reverse proxy in front sets it). */
  trustProxy: boolean;
  /** Present only when both GITHUB_ID and GITHUB_SECRET are set. */
  github: TOAuthApp | undefined;
  /** Present only when both GITLAB_ID and GITLAB_SECRET are set; `url` defaults to gitlab.com. */
  gitlab: (TOAuthApp & { url: string }) | undefined;
};

/** Thrown when the environment is unusable; `problems` has one plain sentence each. */
export class EnvError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.name = "EnvError";
    this.problems = problems;
  }
}

function oauthApp(
  problems: string[],
  provider: string,
  prefix: string,
  id: string | undefined,
  secret: string | undefined,
): TOAuthApp | undefined {
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
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "environment");
      // Our messages already name the variable; zod's built-in ones don't.
      problems.push(issue.message.startsWith(key) ? issue.message : `${key}: ${issue.message}`);
    }
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
    github,
    gitlab: gitlabApp ? { ...gitlabApp, url: (raw.GITLAB_URL ?? "https://gitlab.com").replace(/\/+$/, "") } : undefined,
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
