import git from "isomorphic-git";
import { RepoError } from "./errors";
import { gitFs } from "./fs";
import { BoundedMap, cacheFor, type GitCache } from "./cache";
import { readRef } from "./lock";
import { assertAbsoluteDir, FULL_OID } from "./paths";

/** A file of a revision as listed by `readTree`. */
export interface TreeFile {
  path: string;
  oid: string;
  size: number;
}

/** A file of a revision with its content. */
export interface FileContent {
  path: string;
  oid: string;
  content: Uint8Array;
}

export type { GitCache } from "./cache";

/** Per repository: the commits reachable from the head we last saw (one Set of oids each). */
const reachableCache = new BoundedMap<string, { head: string; commits: Set<string> }>(1_000);

/** Forget what we know about the history of `dir` (it was deleted; a new repo may take its path). */
export function forgetHistory(dir: string): void {
  reachableCache.delete(dir);
}

/*
 * Parsed commits and trees by oid. Objects are immutable and named by their content, so an entry
 * is valid in every repository that has the object; callers only look up oids reached from a
 * commit already known to be in the repository (resolveWith), so sharing across forks is safe.
 */
type TreeEntry = { path: string; oid: string; type: "blob" | "tree" | "commit" };
const commitTrees = new BoundedMap<string, { tree: string; parents: string[] }>(20_000);
const trees = new BoundedMap<string, TreeEntry[]>(5_000);

/** Tree and parents of commit `oid` (cached by oid). */
export async function readCommitInfo(dir: string, oid: string, cache: GitCache): Promise<{ tree: string; parents: string[] }> {
  let info = commitTrees.get(oid);
  if (!info) {
    const { commit } = await git.readCommit({ fs: gitFs, gitdir: dir, oid, cache });
    info = { tree: commit.tree, parents: commit.parent };
    commitTrees.set(oid, info);
  }
  return info;
}

async function readTreeEntries(dir: string, oid: string, cache: GitCache): Promise<TreeEntry[]> {
  let entries = trees.get(oid);
  if (!entries) {
    const { tree } = await git.readTree({ fs: gitFs, gitdir: dir, oid, cache });
    entries = tree.map(({ path, oid: child, type }) => ({ path, oid: child, type }));
    trees.set(oid, entries);
  }
  return entries;
}

/** Commits reachable from `head`, reusing `known` (the set of an older head) when it is an ancestor. */
async function walkCommits(dir: string, head: string, known: { head: string; commits: Set<string> } | undefined, cache: GitCache): Promise<Set<string>> {
  const walked = new Set<string>();
  let metKnownHead = false;
  const stack = [head];
  while (stack.length > 0) {
    const oid = stack.pop() as string;
    if (walked.has(oid)) continue;
    if (known && oid === known.head) {
      metKnownHead = true;
      continue;
    }
    walked.add(oid);
    stack.push(...(await readCommitInfo(dir, oid, cache)).parents);
  }
  if (!known) return walked;
  // History on main only grows, so this is the usual case; otherwise start over.
  if (metKnownHead) {
    for (const oid of known.commits) walked.add(oid);
    return walked;
  }
  return walkCommits(dir, head, undefined, cache);
}

/**
 * The commits reachable from the current head of `dir`, cached per repository: commits are
 * immutable and main only moves forward, so a cached set is extended, never invalidated.
 */
export async function reachableCommits(dir: string, head: string, cache: GitCache): Promise<Set<string>> {
  const known = reachableCache.get(dir);
  if (known?.head === head) return known.commits;
  const commits = await walkCommits(dir, head, known, cache);
  reachableCache.set(dir, { head, commits });
  return commits;
}

/** The current head of `dir`, or NOT_FOUND when there is no such repository. */
export async function readHead(dir: string): Promise<string> {
  const head = await readRef(dir).catch(() => null);
  if (head === null) throw new RepoError("NOT_FOUND", `No repository at ${dir}`);
  return head;
}

/** Internal resolveRevision that shares the caller's isomorphic-git cache. */
export async function resolveWith(dir: string, rev: string, cache: GitCache): Promise<string> {
  if (typeof rev !== "string") throw new TypeError("rev must be a string");
  const head = await readHead(dir);
  if (rev === "HEAD") return head;
  const wanted = rev.toLowerCase();
  if (!/^[0-9a-f]{7,40}$/.test(wanted)) throw new RepoError("NOT_FOUND", `Unknown revision ${JSON.stringify(rev)}`);
  if (wanted === head) return head;
  const commits = await reachableCommits(dir, head, cache);
  if (FULL_OID.test(wanted)) {
    if (commits.has(wanted)) return wanted;
    throw new RepoError("NOT_FOUND", `Unknown revision ${rev}`);
  }
  let found: string | undefined;
  for (const oid of commits) {
    if (!oid.startsWith(wanted)) continue;
    if (found !== undefined) throw new RepoError("NOT_FOUND", `Revision ${rev} is ambiguous; use more characters`);
    found = oid;
  }
  if (found === undefined) throw new RepoError("NOT_FOUND", `Unknown revision ${rev}`);
  return found;
}

/**
 * The full commit id `rev` names in `dir`: `HEAD`, a full oid, or an abbreviation of at least 7
 * hex characters. Only commits reachable from main count, so an object that merely exists in
 * the object store (shared with a fork, left by a lost race) is NOT_FOUND, as is an ambiguous
 * abbreviation.
 */
export async function resolveRevision(opts: { dir: string; rev: string }): Promise<string> {
  assertAbsoluteDir(opts.dir);
  return resolveWith(opts.dir, opts.rev, cacheFor(opts.dir));
}

/** Sizes by blob oid: content-addressed, so entries never go stale. */
const blobSizes = new BoundedMap<string, number>(50_000);

/** Compare like UTF-8 bytes do (code points), unlike `<`, which compares UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Every file (blob) under the tree of `commit`, depth first, with its path. */
export async function listBlobs(dir: string, commit: string, cache: GitCache): Promise<{ path: string; oid: string }[]> {
  const out: { path: string; oid: string }[] = [];
  const visit = async (oid: string, prefix: string): Promise<void> => {
    for (const entry of await readTreeEntries(dir, oid, cache)) {
      const path = prefix + entry.path;
      if (entry.type === "tree") await visit(entry.oid, `${path}/`);
      else if (entry.type === "blob") out.push({ path, oid: entry.oid });
      // Submodule entries ("commit") cannot occur in snippets; skip rather than fail.
    }
  };
  await visit((await readCommitInfo(dir, commit, cache)).tree, "");
  // isomorphic-git lists a folder where a plain sort would put it ("a" before "a.txt"); git's
  // order, which `git ls-tree -r` shows, is that of the full paths' UTF-8 bytes.
  return out.sort((a, b) => compareCodePoints(a.path, b.path));
}

/** The content of blob `oid`. */
export async function readBlobContent(dir: string, oid: string, cache: GitCache): Promise<Uint8Array> {
  const { blob } = await git.readBlob({ fs: gitFs, gitdir: dir, oid, cache });
  blobSizes.set(oid, blob.length);
  return blob;
}

/**
 * The files of revision `rev` of `dir` (paths with `/`, git's order, which sorts a folder as if
 * its name ended in `/`), with blob oids and sizes in bytes.
 */
export async function readTree(opts: { dir: string; rev: string }): Promise<TreeFile[]> {
  assertAbsoluteDir(opts.dir);
  const cache = cacheFor(opts.dir);
  const commit = await resolveWith(opts.dir, opts.rev, cache);
  const blobs = await listBlobs(opts.dir, commit, cache);
  return Promise.all(
    blobs.map(async ({ path, oid }) => {
      const size = blobSizes.get(oid) ?? (await readBlobContent(opts.dir, oid, cache)).length;
      return { path, oid, size };
    }),
  );
}

/** Read one file of revision `rev`; NOT_FOUND when the revision or the file does not exist. */
export async function readFile(opts: { dir: string; rev: string; path: string }): Promise<{ oid: string; content: Uint8Array }> {
  assertAbsoluteDir(opts.dir);
  if (typeof opts.path !== "string" || opts.path === "") throw new TypeError("path must be a non-empty string");
  const cache = cacheFor(opts.dir);
  const commit = await resolveWith(opts.dir, opts.rev, cache);
  const notFound = () => new RepoError("NOT_FOUND", `No file ${JSON.stringify(opts.path)} in revision ${commit.slice(0, 7)}`);
  let entry: TreeEntry = { path: "", oid: (await readCommitInfo(opts.dir, commit, cache)).tree, type: "tree" };
  for (const name of opts.path.split("/")) {
    if (entry.type !== "tree") throw notFound();
    const next = (await readTreeEntries(opts.dir, entry.oid, cache)).find((e) => e.path === name);
    if (!next) throw notFound();
    entry = next;
  }
  // A folder is not a file; a submodule entry cannot occur in snippets.
  if (entry.type !== "blob") throw notFound();
  return { oid: entry.oid, content: await readBlobContent(opts.dir, entry.oid, cache) };
}

/** Every file of revision `rev` with its content, in the same order as `readTree`. */
export async function readFiles(opts: { dir: string; rev: string }): Promise<FileContent[]> {
  assertAbsoluteDir(opts.dir);
  const cache = cacheFor(opts.dir);
  const commit = await resolveWith(opts.dir, opts.rev, cache);
  const blobs = await listBlobs(opts.dir, commit, cache);
  return Promise.all(blobs.map(async ({ path, oid }) => ({ path, oid, content: await readBlobContent(opts.dir, oid, cache) })));
}
