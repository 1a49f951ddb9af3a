import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * PGlite has no server: two processes opening one data directory would corrupt it, and nothing
 * in PGlite stops them. The owner of a directory is recorded in `<dir>/cellar.pid`.
 * Not `server-only`: the CLI and the launcher take the lock too.
 */

export const LOCK_FILE = "cellar.pid";

/** Raised when another live process owns the directory. */
export class PgliteLockedError extends Error {
  readonly ownerPid: number;
  constructor(dir: string, ownerPid: number) {
    super(
      `The embedded database in ${displayPath(dir)} is already in use by process ${ownerPid}. ` +
        "Only one Cellar process can use it at a time: stop that process, or set DATABASE_URL to use a PostgreSQL server.",
    );
    this.name = "PgliteLockedError";
    this.ownerPid = ownerPid;
  }
}

function displayPath(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : dir;
}

/**
 * Whether `pid` is a running process that could be a Cellar process. Pids get reused (in
 * containers especially), so on Linux a live pid whose command line is not Node's is treated
 * as dead rather than blocking start-up forever.
 */
function isLiveOwner(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to another user — still alive.
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    // Node, tsx, vitest workers, and `next-server (v16…)` which overwrites its title.
    return /node|tsx|next|vitest|cellar/i.test(cmdline);
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

const held = new Set<string>();

/**
 * Makes this process the owner of the PGlite directory `dir` (created if missing), or throws
 * `PgliteLockedError` naming the live owner. A pid file left by a dead process is taken over.
 * The lock is released on `releasePgliteLock` or when the process exits.
 */
export function acquirePgliteLock(dir: string): void {
  const abs = path.resolve(dir);
  if (held.has(abs)) return;
  mkdirSync(abs, { recursive: true });
  const file = path.join(abs, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      held.add(abs);
      registerExitHook();
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const owner = readOwner(file);
    if (owner !== undefined && owner !== process.pid && isLiveOwner(owner)) throw new PgliteLockedError(abs, owner);
    // Stale (or empty, or ours from an earlier run of this pid). Move it aside rather than unlink,
    // then retry the exclusive create: of two processes racing for a stale file, exactly one `wx` wins.
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      continue;
    }
    // If what we moved aside was written by a live process in the meantime, give it back.
    const moved = readOwner(aside);
    if (moved !== undefined && moved !== owner && moved !== process.pid && isLiveOwner(moved)) {
      renameSync(aside, file);
      throw new PgliteLockedError(abs, moved);
    }
    unlinkSync(aside);
  }
  throw new Error(`Could not take ownership of the embedded database in ${displayPath(abs)}: its lock file kept changing.`);
}

/** Gives up ownership of `dir` if this process holds it. Safe to call twice. */
export function releasePgliteLock(dir: string): void {
  const abs = path.resolve(dir);
  if (!held.delete(abs)) return;
  const file = path.join(abs, LOCK_FILE);
  try {
    // Only remove the file if it is still ours; never delete another owner's claim.
    if (readOwner(file) === process.pid) unlinkSync(file);
  } catch {
    // Best effort: a leftover file is recognised as stale by the next process.
  }
}

let exitHookRegistered = false;
function registerExitHook(): void {
  if (exitHookRegistered) return;
  exitHookRegistered = true;
  process.on("exit", () => {
    for (const dir of [...held]) releasePgliteLock(dir);
  });
}
