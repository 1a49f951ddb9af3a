/**
 * The implementation behind bin/cellar. Every command first applies pending migrations, so a
 * fresh install can be administered before the server has ever run.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { closeDb, getDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { PgliteLockedError } from "@/lib/db/pglite-lock";
import { EnvError, getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";

const HELP = `Usage: bin/cellar <command>

Commands:
  user add NAME --password PASSWORD [--display-name TEXT]
                          create an account with a password
  token add USERNAME [--name LABEL]
                          create an API token for USERNAME; prints only the token
  repack                  repack every snippet repository (saves space, speeds reads)
  migrate                 apply pending database migrations
  reindex                 rebuild the search index from every public snippet, and set older
                          snippets' language and interacts flag from their files
  storage                 charge snippets made before the storage quota for their history
                          (USER_STORAGE_BYTES); running it again changes nothing
  thumbnails [--owner NAME]
                          make the thumbnails snippets lack (their latest revision's first
                          image, as at publication) with the execution service at EXEC_URL;
                          the server also does this each time it starts
  cells prune --unused-days N
                          remove the /cell short links nobody made or opened in the last
                          N days (N >= 90); the site itself keeps short links for good
  exec-host               run a standalone execution host for the site's NATS (NATS_URL,
                          NATS credentials, EXEC_HOST_ID required; docs/scale.md); needs no
                          database: run it on any machine with bubblewrap, as root
  help                    show this text

Settings come from the same environment variables as the server (DATABASE_URL, PGLITE_DIR,
DATA_DIR, REPOS_DIR). With the embedded database (no DATABASE_URL) stop the server first:
only one process can use it at a time.`;

/** Bad command line: exit code 2 and the usage line. */
class UsageError extends Error {}

/** A failure the user caused or can fix; printed without a stack trace. */
class CommandError extends Error {}

type TArgs = { positionals: string[]; values: Record<string, string | boolean | undefined> };

function parse(argv: string[], options: Record<string, { type: "string" }>): TArgs {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function onePositional(args: TArgs, usage: string): string {
  const [only] = args.positionals;
  if (args.positionals.length !== 1 || only === undefined) throw new UsageError(`Usage: ${usage}`);
  return only;
}

function noPositionals(args: TArgs, usage: string): void {
  if (args.positionals.length !== 0) throw new UsageError(`Usage: ${usage}`);
}

/** Migration progress goes to stderr so that stdout carries only a command's answer (e.g. a token). */
async function migrateQuietly(): Promise<string[]> {
  const { applied } = await applyMigrations({ log: (line) => console.error(line) });
  return applied;
}

async function userAdd(argv: string[]): Promise<void> {
  const usage = "bin/cellar user add NAME --password PASSWORD [--display-name TEXT]";
  const args = parse(argv, { password: { type: "string" }, "display-name": { type: "string" } });
  const name = onePositional(args, usage);
  const password = args.values.password;
  if (typeof password !== "string") throw new UsageError(`user add needs --password PASSWORD\nUsage: ${usage}`);
  const displayName = args.values["display-name"];
  await migrateQuietly();
  const { createUser } = await import("@/lib/users/create-user");
  const user = await createUser({ username: name, password, ...(typeof displayName === "string" ? { displayName } : {}) });
  console.log(`Created user ${user.username} (id ${user.id})`);
}

async function tokenAdd(argv: string[]): Promise<void> {
  const args = parse(argv, { name: { type: "string" } });
  const username = onePositional(args, "bin/cellar token add USERNAME [--name LABEL]");
  const label = typeof args.values.name === "string" ? args.values.name : "command line";
  await migrateQuietly();
  const user = await getDb().user.findUnique({
    where: { username: username.trim().toLowerCase() },
    select: { id: true, username: true },
  });
  if (!user) throw new CommandError(`There is no user "${username}".`);
  const { createToken } = await import("@/lib/tokens/create-token");
  const { token } = await createToken({ actor: user, name: label });
  console.log(token);
}

async function repack(argv: string[]): Promise<void> {
  noPositionals(parse(argv, {}), "bin/cellar repack");
  await migrateQuietly();
  const { repackAll } = await import("@/lib/repos");
  const { reposDir } = getEnv();
  if (!existsSync(reposDir)) {
    console.log(`No repositories yet in ${reposDir}`);
    return;
  }
  const result = await repackAll({ reposDir });
  console.log(`Repacked ${result.packed} repositories in ${reposDir}`);
  for (const f of result.failed) console.error(`  failed: ${f.dir}: ${f.error}`);
  if (result.failed.length > 0) throw new CommandError(`${result.failed.length} repositories could not be repacked.`);
}

async function migrate(argv: string[]): Promise<void> {
  noPositionals(parse(argv, {}), "bin/cellar migrate");
  const applied = await migrateQuietly();
  console.log(applied.length === 0 ? "The database is up to date." : `Applied ${applied.length} migration(s).`);
}

async function reindex(argv: string[]): Promise<void> {
  noPositionals(parse(argv, {}), "bin/cellar reindex");
  await migrateQuietly();
  const { reindexAll } = await import("@/lib/search/reindex-all");
  const started = Date.now();
  const result = await reindexAll({ onProgress: (done) => console.error(`  ${done} snippets indexed`) });
  console.log(`Indexed ${result.indexed} public snippets with ${result.engine} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  // Rows made before language/hasInteracts were derived on each write hold the defaults until mended.
  const { backfillCodeTraits } = await import("@/lib/snippets/backfill-code-traits");
  const mended = await backfillCodeTraits();
  if (mended > 0) console.log(`Set the language or interacts flag of ${mended} snippets from their files.`);
}

async function storage(argv: string[]): Promise<void> {
  noPositionals(parse(argv, {}), "bin/cellar storage");
  await migrateQuietly();
  const { backfillStorage } = await import("@/lib/snippets/backfill-storage");
  const charged = await backfillStorage();
  console.log(charged === 0 ? "Every snippet's storage was already counted." : `Counted the history of ${charged} snippets in their owners' storage.`);
}

async function thumbnails(argv: string[]): Promise<void> {
  const args = parse(argv, { owner: { type: "string" } });
  noPositionals(args, "bin/cellar thumbnails [--owner NAME]");
  await migrateQuietly();
  const { fillMissingThumbnails } = await import("@/lib/snippets/fill-missing-thumbnails");
  const owner = typeof args.values.owner === "string" ? args.values.owner : undefined;
  const result = await fillMissingThumbnails({ ...(owner ? { owner } : {}) });
  if (result.unavailable)
    throw new CommandError(`No thumbnails made: the execution service at ${getEnv().exec.url} does not answer. Start the server (or the service) first.`);
  console.log(`Made ${result.made} thumbnails for the ${result.missing} snippets without one.`);
}

async function cellsPrune(argv: string[]): Promise<void> {
  const usage = "bin/cellar cells prune --unused-days N";
  const args = parse(argv, { "unused-days": { type: "string" } });
  noPositionals(args, usage);
  const raw = args.values["unused-days"];
  if (typeof raw !== "string" || !/^\d+$/.test(raw)) throw new UsageError(`cells prune needs --unused-days N (a whole number of days)\nUsage: ${usage}`);
  await migrateQuietly();
  const { pruneCellLinks } = await import("@/lib/cells/prune-cell-links");
  const removed = await pruneCellLinks({ unusedDays: Number(raw) });
  console.log(`Removed ${removed} short links not made or opened in the last ${raw} days.`);
}

async function run(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    console.log(HELP);
    return;
  }
  if (command === "user" && sub === "add") return userAdd(rest);
  if (command === "token" && sub === "add") return tokenAdd(rest);
  if (command === "repack") return repack(argv.slice(1));
  if (command === "migrate") return migrate(argv.slice(1));
  if (command === "reindex") return reindex(argv.slice(1));
  if (command === "storage") return storage(argv.slice(1));
  if (command === "thumbnails") return thumbnails(argv.slice(1));
  if (command === "cells" && sub === "prune") return cellsPrune(rest);
  throw new UsageError(`Unknown command "${argv.slice(0, 2).join(" ")}". Run bin/cellar help for the list.`);
}

async function main(): Promise<number> {
  try {
    await run(process.argv.slice(2));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    if (e instanceof EnvError) console.error(["Cellar: the environment is not usable:", ...e.problems.map((p) => `  - ${p}`)].join("\n"));
    else if (e instanceof CommandError || e instanceof PgliteLockedError || isAppError(e)) console.error(e.message);
    else console.error(e);
    return 1;
  } finally {
    await closeDb().catch(() => {});
  }
}

main().then((code) => process.exit(code));
