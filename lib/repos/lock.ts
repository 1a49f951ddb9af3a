import { open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { RepoError } from "./errors";
import { FULL_OID, MAIN_REF } from "./paths";

/** How long a writer keeps retrying while another holds `<ref>.lock`, before giving up (LOCKED). */
export const LOCK_TIMEOUT_MS = 5_000;

const tails = new Map<string, Promise<void>>();

/**
 * Run `fn` with no other call for the same repository running in this process. Writers in the
 * same process queue here instead of spinning on the lock file; other processes are kept out by
 * the lock file itself.
 */
export async function withRepoMutex<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(dir) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  tails.set(dir, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    // Forget the repository once nobody queues behind us, so the map stays small.
    if (tails.get(dir) === tail) tails.delete(dir);
  }
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}

/**
 * The oid a ref points at, read the way git does: the loose file wins, else `packed-refs`
 * (written by `git pack-refs`/`gc`). isomorphic-git is not used here because its ref writes are
 * not atomic and we want to see exactly what the last rename left. Null when the ref is absent.
 */
export async function readRef(dir: string, ref: string = MAIN_REF): Promise<string | null> {
  try {
    const text = (await readFile(join(dir, ref), "utf8")).trim();
    if (FULL_OID.test(text)) return text;
    throw new Error(`${ref} in ${dir} does not hold an object id: ${JSON.stringify(text.slice(0, 80))}`);
  } catch (err) {
    if (!isErrno(err, "ENOENT")) throw err;
  }
  let packed: string;
  try {
    packed = await readFile(join(dir, "packed-refs"), "utf8");
  } catch (err) {
    if (isErrno(err, "ENOENT")) return null;
    throw err;
  }
  for (const line of packed.split("\n")) {
    if (line.length === 41 + ref.length && line.endsWith(` ${ref}`)) {
      const oid = line.slice(0, 40);
      if (FULL_OID.test(oid)) return oid;
    }
  }
  return null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Take git's lock on `ref` by creating `<ref>.lock` exclusively, retrying briefly while someone
 * else (another process, or git itself) holds it. Returns the open handle of our lock file.
 */
async function acquireRefLock(lockPath: string) {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await open(lockPath, "wx", 0o644);
    } catch (err) {
      if (!isErrno(err, "EEXIST")) throw err;
      if (Date.now() >= deadline) {
        throw new RepoError("LOCKED", `The repository is locked by another writer (${lockPath} exists).`);
      }
      // Short, jittered waits: a holder keeps the lock for well under a millisecond.
      await sleep(Math.min(1 + attempt, 10) * (0.5 + Math.random()));
    }
  }
}

/**
 * Move `ref` from `expected` (null: the ref must not exist) to `next`, atomically and safely
 * against other processes and git: lock file created with O_EXCL, compare, write the new oid
 * into the lock file, rename it over the ref. Throws `STALE_HEAD` (with `currentHead`) when the
 * ref moved, `LOCKED` when the lock stays taken. Only ever removes a lock file it created.
 */
export async function compareAndSwapRef(opts: { dir: string; ref?: string; expected: string | null; next: string }): Promise<void> {
  const ref = opts.ref ?? MAIN_REF;
  if (!FULL_OID.test(opts.next)) throw new TypeError(`not a full object id: ${opts.next}`);
  const refPath = join(opts.dir, ref);
  const lockPath = `${refPath}.lock`;
  await withRepoMutex(opts.dir, async () => {
    const handle = await acquireRefLock(lockPath);
    let renamed = false;
    try {
      const current = await readRef(opts.dir, ref);
      if (current !== opts.expected) {
        throw new RepoError(
          "STALE_HEAD",
          `The snippet changed since you loaded it: ${ref} is ${current ?? "absent"}, not ${opts.expected ?? "absent"}.`,
          current === null ? {} : { currentHead: current },
        );
      }
      await handle.writeFile(`${opts.next}\n`);
      await handle.close();
      await rename(lockPath, refPath);
      renamed = true;
    } finally {
      if (!renamed) {
        await handle.close().catch(() => undefined);
        await unlink(lockPath).catch(() => undefined);
      }
    }
  });
}
