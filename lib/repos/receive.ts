import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { RepoError } from "./errors";
import { FULL_OID, MAIN_REF, assertAbsoluteDir } from "./paths";
import { validateListing } from "./validate";

/*
 * Checks a push before git accepts it. git runs the pre-receive hook with the pushed objects in a
 * quarantine directory (GIT_QUARANTINE_PATH) that only that hook's environment can see; the hook
 * hands us that environment and the ref updates, and we read the new commits with the real git.
 */

const run = promisify(execFile);
const ZERO_OID = /^0{40}$/;

/** What git tells a pre-receive hook: the ref updates and where the pushed objects wait. */
export type TPushedObjects = {
  /** The hook's standard input: `<old> <new> <ref>` lines. */
  updates: string;
  /** GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES as the hook saw them (relative to the repository). */
  objectDirectory: string;
  alternateObjectDirectories: string;
};

export type TPushInspection = {
  old: string;
  next: string;
  /** The new revisions, oldest first. */
  commits: string[];
  /** Uncompressed bytes of file contents the push adds (each new blob once), as lib/repos/usage.ts counts. */
  addedBytes: number;
  /** The message of the new head. */
  message: string;
};

/** git's file modes for what a snippet may hold: plain and executable files. */
const FILE_MODES = new Set(["100644", "100755"]);

/**
 * Accepts a push only when it moves `refs/heads/main` forward from `expectedOld` (the head the
 * site has) and every new revision holds files the editor would accept: same limits, same
 * messages naming the file, and no symbolic links or submodules. Throws RepoError
 * (`STALE_HEAD`, `INVALID_FILES`, `TOO_LARGE`) otherwise.
 */
export async function inspectPush(opts: { dir: string; pushed: TPushedObjects }): Promise<TPushInspection> {
  assertAbsoluteDir(opts.dir);
  const lines = opts.pushed.updates.split("\n").filter((l) => l.trim() !== "");
  const updates = lines.map((l) => l.trim().split(" "));
  const refs = updates.map((u) => u[2] ?? "");
  const other = refs.find((r) => r !== MAIN_REF);
  if (other !== undefined) throw new RepoError("INVALID_FILES", `A snippet has one branch, main; ${other} cannot be pushed.`);
  const update = updates[0];
  if (updates.length !== 1 || !update) throw new RepoError("INVALID_FILES", "Push one update of main at a time.");
  const [old = "", next = ""] = update;
  if (!FULL_OID.test(old) || !FULL_OID.test(next)) throw new RepoError("INVALID_FILES", "The push names no revision.");
  if (ZERO_OID.test(next)) throw new RepoError("INVALID_FILES", "main cannot be deleted.");
  if (ZERO_OID.test(old)) throw new RepoError("STALE_HEAD", "main already exists; fetch it and build on it.");

  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    HOME: "/nonexistent",
    GIT_DIR: opts.dir,
    GIT_OBJECT_DIRECTORY: opts.pushed.objectDirectory,
    GIT_ALTERNATE_OBJECT_DIRECTORIES: opts.pushed.alternateObjectDirectories,
  };
  const git = async (args: string[]): Promise<string> =>
    (await run("git", args, { cwd: opts.dir, env: env as unknown as NodeJS.ProcessEnv, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" })).stdout;

  // Fast-forward only: the site's head must be an ancestor of the pushed one.
  try {
    await git(["merge-base", "--is-ancestor", old, next]);
  } catch {
    throw new RepoError("STALE_HEAD", "main moved on since you fetched it (non-fast-forward): pull, then push again.", { currentHead: old });
  }

  const known = new Set((await listTree(git, old)).map((e) => e.oid));
  const commits = (await git(["rev-list", "--reverse", `${old}..${next}`])).split("\n").filter(Boolean);
  let addedBytes = 0;
  for (const commit of commits) {
    const entries = await listTree(git, commit);
    for (const e of entries) {
      if (e.type === "commit")
        throw new RepoError("INVALID_FILES", `File ${JSON.stringify(e.path)}: a submodule cannot be part of a snippet (revision ${commit.slice(0, 7)}).`, {
          path: e.path,
        });
      if (e.mode === "120000")
        throw new RepoError("INVALID_FILES", `File ${JSON.stringify(e.path)}: a symbolic link cannot be part of a snippet (revision ${commit.slice(0, 7)}).`, {
          path: e.path,
        });
      if (!FILE_MODES.has(e.mode))
        throw new RepoError("INVALID_FILES", `File ${JSON.stringify(e.path)}: mode ${e.mode} is not a plain file (revision ${commit.slice(0, 7)}).`, {
          path: e.path,
        });
    }
    try {
      validateListing(entries.map((e) => ({ path: e.path, size: e.size })));
    } catch (e) {
      if (e instanceof RepoError) throw new RepoError(e.code, `${e.message} (revision ${commit.slice(0, 7)})`, e.path === undefined ? {} : { path: e.path });
      throw e;
    }
    for (const e of entries) {
      if (known.has(e.oid)) continue;
      known.add(e.oid);
      addedBytes += e.size;
    }
  }
  const message = (await git(["log", "-1", "--format=%B", next])).trim();
  return { old, next, commits, addedBytes, message };
}

type TTreeEntry = { mode: string; type: string; oid: string; size: number; path: string };

/** Every file of a revision (`ls-tree -r`, NUL-separated so any name survives). */
async function listTree(git: (args: string[]) => Promise<string>, rev: string): Promise<TTreeEntry[]> {
  const out = await git(["ls-tree", "-r", "-z", "-l", "--full-tree", rev]);
  const entries: TTreeEntry[] = [];
  for (const record of out.split("\0")) {
    if (!record) continue;
    const tab = record.indexOf("\t");
    const [mode = "", type = "", oid = "", size = ""] = record.slice(0, tab).split(/ +/);
    entries.push({ mode, type, oid, size: size === "-" ? 0 : Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}
