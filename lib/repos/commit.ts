import git from "isomorphic-git";
import { createHash } from "node:crypto";
import { lstat, mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { deflate, deflateSync } from "node:zlib";
import { cacheFor, forgetCache } from "./cache";
import { RepoError } from "./errors";
import { gitFs, tempNameFor } from "./fs";
import { initBare } from "./init";
import { compareAndSwapRef, readRef } from "./lock";
import { assertAbsoluteDir } from "./paths";
import { forgetHistory, readCommitInfo } from "./read";
import { validateFiles, type SnippetFile } from "./validate";

/** Who made a revision. `timestamp` is in Unix seconds (git's unit); it defaults to now. */
export interface Author {
  name: string;
  email: string;
  timestamp?: number;
}

/** Above this size a blob is deflated on the thread pool instead of blocking the event loop. */
const SYNC_DEFLATE_MAX_BYTES = 64 * 1024;
const deflateAsync = promisify(deflate);

/**
 * Store `content` as a loose blob and return its oid. Same result as isomorphic-git's
 * writeBlob, but hashes and deflates with node's native crypto/zlib and skips the deflate when
 * the object already exists (most files of a new revision are unchanged): 0.03 ms instead of
 * 0.6 ms for an existing 3 KB blob, 1 ms instead of 2 ms for a new one. The write itself still
 * goes through isomorphic-git (and our atomic fs).
 */
async function writeBlob(gitdir: string, content: Uint8Array): Promise<string> {
  const wrapped = Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]);
  const oid = createHash("sha1").update(wrapped).digest("hex");
  if (await exists(join(gitdir, "objects", oid.slice(0, 2), oid.slice(2)))) return oid;
  const object = wrapped.length <= SYNC_DEFLATE_MAX_BYTES ? deflateSync(wrapped) : await deflateAsync(wrapped);
  await git.writeObject({ fs: gitFs, gitdir, type: "blob", object, format: "deflated", oid });
  return oid;
}

/** A folder being assembled: child name → blob oid (file) or nested folder. */
type Folder = Map<string, string | Folder>;

/**
 * Write every file as a blob and the folders as real subtrees (a tree entry named `a/b` would
 * fail `git fsck`), returning the root tree oid. isomorphic-git sorts entries the git way.
 */
async function writeSnapshot(gitdir: string, files: readonly SnippetFile[]): Promise<string> {
  const root: Folder = new Map();
  const blobOids = await Promise.all(files.map((file) => writeBlob(gitdir, file.content)));
  files.forEach((file, i) => {
    const segments = file.path.split("/");
    const name = segments.pop() as string; // validateFiles guarantees at least one segment
    let folder = root;
    for (const segment of segments) {
      let child = folder.get(segment);
      if (child === undefined) {
        child = new Map();
        folder.set(segment, child);
      }
      // validateFiles rejects a path that is both a file and a folder, so this is a Map.
      folder = child as Folder;
    }
    folder.set(name, blobOids[i] as string);
  });
  const writeFolder = async (folder: Folder): Promise<string> => {
    const tree = await Promise.all(
      [...folder].map(async ([path, child]) =>
        typeof child === "string"
          ? { mode: "100644", path, oid: child, type: "blob" as const }
          : { mode: "040000", path, oid: await writeFolder(child), type: "tree" as const },
      ),
    );
    return git.writeTree({ fs: gitFs, gitdir, tree });
  };
  return writeFolder(root);
}

/** Make an author line git fsck accepts: no `<`, `>` or control characters, never empty. */
function toIdentity(author: Author) {
  if (!author || typeof author.name !== "string" || typeof author.email !== "string") {
    throw new TypeError("author must be { name, email, timestamp? }");
  }
  // eslint-disable-next-line no-control-regex
  const clean = (s: string) => s.replace(/[<>\u0000-\u001f\u007f]/g, "").trim();
  const timestamp = author.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(timestamp) || timestamp < 0) {
    throw new TypeError("author.timestamp must be whole Unix seconds");
  }
  return {
    name: clean(author.name) || "unknown",
    email: clean(author.email) || "unknown",
    timestamp,
    timezoneOffset: 0,
  };
}

async function writeCommitObject(opts: { gitdir: string; tree: string; parent: string[]; message: string; author: Author }): Promise<string> {
  if (typeof opts.message !== "string") throw new TypeError("message must be a string");
  const identity = toIdentity(opts.author);
  return git.writeCommit({
    fs: gitFs,
    gitdir: opts.gitdir,
    commit: {
      tree: opts.tree,
      parent: opts.parent,
      author: identity,
      committer: identity,
      // A NUL would end the message early for git; an empty message is legal but unhelpful.
      // eslint-disable-next-line no-control-regex
      message: opts.message.replace(/\u0000/g, "").trim() || "Update snippet",
    },
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Create the bare repository `dir` with one commit holding `files` on `main`. The repository is
 * assembled under a temporary name and renamed into place, so a failure (or a crash) never
 * leaves a half-made repository at `dir`. Throws if `dir` already exists.
 */
export async function createRepo(opts: { dir: string; files: readonly SnippetFile[]; message: string; author: Author }): Promise<{ head: string }> {
  assertAbsoluteDir(opts.dir);
  validateFiles(opts.files);
  if (await exists(opts.dir)) throw new Error(`A repository already exists at ${opts.dir}`);
  await mkdir(dirname(opts.dir), { recursive: true });
  const tmp = tempNameFor(opts.dir);
  try {
    await initBare(tmp);
    const tree = await writeSnapshot(tmp, opts.files);
    const head = await writeCommitObject({ gitdir: tmp, tree, parent: [], message: opts.message, author: opts.author });
    await compareAndSwapRef({ dir: tmp, expected: null, next: head });
    // rename() would happily replace an empty directory, hence the check above; a non-empty
    // one (a concurrent create) makes it fail with ENOTEMPTY/EEXIST.
    await rename(tmp, opts.dir);
    return { head };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Record `files` (the complete new set, not a patch) as a new revision on `main`, on top of
 * `expectedHead`. If `main` has moved meanwhile, throws `STALE_HEAD` with `currentHead` and
 * changes nothing visible. When the files equal the current revision no commit is made and
 * `changed` is false.
 */
export async function commitFiles(opts: {
  dir: string;
  files: readonly SnippetFile[];
  message: string;
  author: Author;
  expectedHead: string;
}): Promise<{ head: string; changed: boolean }> {
  assertAbsoluteDir(opts.dir);
  // Not checked for shape: anything but the current full oid is simply stale.
  if (typeof opts.expectedHead !== "string") throw new TypeError("expectedHead must be a string");
  validateFiles(opts.files);
  const current = await readRef(opts.dir).catch(() => null);
  if (current === null) throw new RepoError("NOT_FOUND", `No repository at ${opts.dir}`);
  // Fail early without writing objects when we already know the head moved.
  if (current !== opts.expectedHead) {
    throw new RepoError("STALE_HEAD", "The snippet changed since you loaded it.", { currentHead: current });
  }
  const tree = await writeSnapshot(opts.dir, opts.files);
  const parent = await readCommitInfo(opts.dir, opts.expectedHead, cacheFor(opts.dir));
  if (parent.tree === tree) return { head: opts.expectedHead, changed: false };
  const head = await writeCommitObject({
    gitdir: opts.dir,
    tree,
    parent: [opts.expectedHead],
    message: opts.message,
    author: opts.author,
  });
  // If this loses the race, the objects written above stay unreferenced; `git gc` collects them.
  await compareAndSwapRef({ dir: opts.dir, expected: opts.expectedHead, next: head });
  return { head, changed: true };
}

/**
 * Remove the repository `dir`. It is first renamed aside, so it disappears at once for readers
 * even if removing the files takes a while. Missing repositories are not an error.
 */
export async function deleteRepo(opts: { dir: string }): Promise<{ deleted: boolean }> {
  assertAbsoluteDir(opts.dir);
  const trash = tempNameFor(opts.dir);
  try {
    await rename(opts.dir, trash);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { deleted: false };
    throw err;
  }
  forgetCache(opts.dir);
  forgetHistory(opts.dir);
  await rm(trash, { recursive: true, force: true });
  return { deleted: true };
}
