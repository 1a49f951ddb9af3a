import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { applyMigrations, MigrationError, readMigrations } from "@/lib/db/migrate";
import { acquirePgliteLock, LOCK_FILE, PgliteLockedError, releasePgliteLock } from "@/lib/db/pglite-lock";
import { EnvError, parseEnv } from "@/lib/env";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), "cellar-db-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the real migrations plus one extra migration, in a directory of its own. */
function migrationsWith(extraName: string, sql: string): string {
  const dir = path.join(scratch, uniqueName("migrations"));
  cpSync(path.join(repoRoot, "prisma", "migrations"), dir, { recursive: true });
  mkdirSync(path.join(dir, extraName));
  writeFileSync(path.join(dir, extraName, "migration.sql"), sql);
  return dir;
}

async function tableExists(name: string): Promise<boolean> {
  const rows = await getDb().$queryRaw<{ exists: boolean }[]>`SELECT to_regclass(${`public."${name}"`}) IS NOT NULL AS exists`;
  return rows[0]?.exists === true;
}

/** Runs a TypeScript snippet in a fresh Node process (tsx) from the repository root. */
function runChild(code: string, env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = path.join(scratch, `${uniqueName("child")}.mts`);
  writeFileSync(file, code);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), file], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ code: exitCode, stdout, stderr }));
  });
}

/** The pid of a process that has certainly exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", () => resolve(child.pid!));
  });
}

describe("migrations", () => {
  it("has created the table of every model of the schema, usable through the client, and recorded each migration once", async () => {
    const db = getDb();
    // The schema's models as the generated client knows them (no @@map: a model's table has its name).
    const models = Object.values(Prisma.ModelName);
    expect(models).toEqual(expect.arrayContaining(["User", "Account", "ApiToken", "Snippet", "Tag", "SnippetTag", "Activity"]));
    for (const table of models) {
      expect(await tableExists(table), table).toBe(true);
    }
    const username = uniqueName("migrated");
    const { id } = await db.user.create({ data: { username } });
    expect(await db.user.findUnique({ where: { id }, select: { username: true } })).toEqual({ username });
    const rows = await db.$queryRaw<{ migration_name: string; checksum: string }[]>`
      SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`;
    const files = readMigrations();
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(
        rows.filter((r) => r.migration_name === f.name),
        f.name,
      ).toEqual([{ migration_name: f.name, checksum: f.checksum }]);
    }
  });

  it("applies nothing when run again", async () => {
    expect(await applyMigrations()).toEqual({ applied: [] });
  });

  it("applies a new migration once and records it", async () => {
    const table = uniqueName("probe").replace(/-/g, "_");
    const name = `99990101000000_${table}`;
    const dir = migrationsWith(name, `CREATE TABLE "${table}" (id INT PRIMARY KEY);\nINSERT INTO "${table}" VALUES (1);\n`);
    expect(await applyMigrations({ migrationsDir: dir })).toEqual({ applied: [name] });
    expect(await tableExists(table)).toBe(true);
    expect(await applyMigrations({ migrationsDir: dir })).toEqual({ applied: [] });
  });

  it("rolls back a failing migration completely and records nothing", async () => {
    const table = uniqueName("broken").replace(/-/g, "_");
    const name = `99990102000000_${table}`;
    const dir = migrationsWith(name, `CREATE TABLE "${table}" (id INT);\nSELECT 1 / 0;\n`);
    await expect(applyMigrations({ migrationsDir: dir })).rejects.toThrow(/Migration 99990102000000_\S+ failed and was rolled back: division by zero/);
    expect(await tableExists(table)).toBe(false);
    const rows = await getDb().$queryRaw<unknown[]>`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = ${name}`;
    expect(rows).toHaveLength(0);
  });

  it("refuses to go on when an applied migration file was edited", async () => {
    const dir = path.join(scratch, uniqueName("edited"));
    cpSync(path.join(repoRoot, "prisma", "migrations"), dir, { recursive: true });
    const first = readMigrations(dir)[0]!;
    writeFileSync(path.join(dir, first.name, "migration.sql"), first.sql + "\n-- an innocent-looking edit\n");
    const attempt = applyMigrations({ migrationsDir: dir });
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(attempt).rejects.toThrow(`Migration ${first.name} was changed after it was applied`);
  });

  it.runIf(process.env.DATABASE_URL)("applies a new migration exactly once when two processes migrate at the same time", async () => {
    const table = uniqueName("race").replace(/-/g, "_");
    const name = `99990103000000_${table}`;
    // pg_sleep widens the window in which a second, unserialised migrator would also start.
    const dir = migrationsWith(name, `SELECT pg_sleep(0.5);\nCREATE TABLE "${table}" (id INT);\n`);
    const code = `
      import { applyMigrations } from "@/lib/db/migrate";
      const r = await applyMigrations({ migrationsDir: ${JSON.stringify(dir)} });
      console.log(JSON.stringify(r.applied));
    `;
    const results = await Promise.all([runChild(code, {}), runChild(code, {})]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const applied = results.map((r) => JSON.parse(r.stdout.trim().split("\n").pop()!) as string[]);
    expect(applied.flat()).toEqual([name]);
    expect(await tableExists(table)).toBe(true);
  });
});

describe("embedded database ownership", () => {
  it("refuses a second process while the owner is alive, naming the owner", async () => {
    const dir = path.join(scratch, uniqueName("pglite"));
    acquirePgliteLock(dir);
    try {
      const child = await runChild(
        `
        import { getDb } from "@/lib/db/client";
        try { await getDb().$queryRaw\`SELECT 1\`; console.log("opened"); }
        catch (e) { console.error((e as Error).message); process.exit(3); }
      `,
        { DATABASE_URL: "", PGLITE_DIR: dir },
      );
      expect(child.stdout).not.toContain("opened");
      expect(child.code).toBe(3);
      expect(child.stderr).toContain(`is already in use by process ${process.pid}`);
      expect(child.stderr).toContain("set DATABASE_URL to use a PostgreSQL server");
    } finally {
      releasePgliteLock(dir);
    }
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it("takes over a lock file left by a process that died", async () => {
    const dir = path.join(scratch, uniqueName("pglite"));
    mkdirSync(dir, { recursive: true });
    const pid = await deadPid();
    writeFileSync(path.join(dir, LOCK_FILE), `${pid}\n`);
    acquirePgliteLock(dir);
    try {
      expect(readFileSync(path.join(dir, LOCK_FILE), "utf8").trim()).toBe(String(process.pid));
    } finally {
      releasePgliteLock(dir);
    }
  });

  it("opens and persists the embedded database in a child process, then lets the next process in", async () => {
    const dir = path.join(scratch, uniqueName("pglite"));
    const env = { DATABASE_URL: "", PGLITE_DIR: dir };
    const write = await runChild(
      `
      import { getDb, closeDb } from "@/lib/db/client";
      import { applyMigrations } from "@/lib/db/migrate";
      await applyMigrations();
      await getDb().user.create({ data: { username: "persisted" } });
      await closeDb();
    `,
      env,
    );
    expect(write.code, write.stderr).toBe(0);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const read = await runChild(
      `
      import { getDb } from "@/lib/db/client";
      const u = await getDb().user.findUnique({ where: { username: "persisted" } });
      console.log(u?.username);
      process.exit(0);
    `,
      env,
    );
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout.trim()).toBe("persisted");
  });

  it("throws PgliteLockedError in-process for a live foreign owner", async () => {
    const dir = path.join(scratch, uniqueName("pglite"));
    mkdirSync(dir, { recursive: true });
    // The vitest main process is a live Node process that is not us.
    writeFileSync(path.join(dir, LOCK_FILE), `${process.ppid}\n`);
    expect(() => acquirePgliteLock(dir)).toThrow(PgliteLockedError);
    expect(readFileSync(path.join(dir, LOCK_FILE), "utf8").trim()).toBe(String(process.ppid));
  });
});

describe("environment", () => {
  it("lists every problem at once, in plain words", () => {
    const cwd = path.join(scratch, uniqueName("env"));
    let error: unknown;
    try {
      parseEnv({ PORT: "abc", DATABASE_URL: "mysql://db", GITLAB_SECRET: "s", AUTH_SECRET: "x".repeat(32) }, cwd);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).problems).toEqual([
      'PORT must be a whole number between 1 and 65535 (got "abc")',
      "DATABASE_URL must be a PostgreSQL URL starting with postgresql:// or postgres://",
      "GITLAB_SECRET is set but GITLAB_ID is not: set both to enable GitLab sign-in, or neither to disable it",
    ]);
  });

  it("refuses to start with NATS settings that cannot work, naming them with the site's other problems", () => {
    const cwd = path.join(scratch, uniqueName("env"));
    const problems = (source: Record<string, string>) => {
      try {
        parseEnv({ AUTH_SECRET: "x".repeat(32), ...source }, cwd);
        return [];
      } catch (e) {
        return (e as EnvError).problems;
      }
    };
    expect(problems({ NATS_URL: "10.0.0.5", PORT: "abc" })).toEqual([
      "NATS_URL must be nats://host:port (several separated by commas), e.g. nats://127.0.0.1:4222",
      'PORT must be a whole number between 1 and 65535 (got "abc")',
    ]);
    expect(problems({ NATS_URL: "nats://10.0.0.5:4222", NATS_PASSWORD: "pw" })).toEqual(["NATS_USER and NATS_PASSWORD go together: set both or neither"]);
    expect(problems({ NATS_URL: "nats://10.0.0.5:4222", NATS_USER: "site", NATS_PASSWORD: "pw" })).toEqual([]);
  });

  it("defaults to port 3000 and PGlite under ./data, and keeps one generated secret private on disk", () => {
    const cwd = path.join(scratch, uniqueName("env"));
    const env = parseEnv({ DATABASE_URL: "" }, cwd);
    expect(env).toMatchObject({ port: 3000, databaseUrl: undefined, pgliteDir: path.join(cwd, "data", "pglite"), reposDir: path.join(cwd, "repos") });
    expect(env.github).toBeUndefined();
    const secretFile = path.join(cwd, "data", "auth-secret");
    expect(readFileSync(secretFile, "utf8").trim()).toBe(env.authSecret);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(parseEnv({}, cwd).authSecret).toBe(env.authSecret);
  });

  it("enables an OAuth provider only when both halves are set", () => {
    const env = parseEnv({ AUTH_SECRET: "x".repeat(32), GITLAB_ID: "id", GITLAB_SECRET: "s", GITLAB_URL: "https://git.example.org/" }, scratch);
    expect(env.gitlab).toEqual({ id: "id", secret: "s", url: "https://git.example.org" });
  });
});
