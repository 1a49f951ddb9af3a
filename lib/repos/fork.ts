import git from "isomorphic-git";
import { copyFile, link, lstat, mkdir, readdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gitFs, tempNameFor } from "./fs";
import { initBare } from "./init";
import { compareAndSwapRef } from "./lock";
import { assertAbsoluteDir } from "./paths";
import { readHead } from "./read";

/** Loose object file names (38 hex) and pack files; skips temp files of writers in flight. */
const LOOSE_NAME = /^[0-9a-f]{38}$/;
const PACK_NAME = /^pack-[0-9a-f]{40,64}\.(pack|idx|rev|bitmap)$/;

/**
 * Hard-link `from` to `to`. Objects are immutable and never rewritten in place (our writes
 * rename a temp file, git's too), so sharing the inode is safe. Falls back to a copy when the
 * file system refuses: another device (EXDEV) or too many links to one inode (EMLINK).
 */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EXDEV" || code === "EMLINK" || code === "EPERM") await copyFile(from, to);
    else throw err;
  }
}

/** Share every object of `sourceDir` with `targetDir` (which has an empty object store). */
async function linkObjects(sourceDir: string, targetDir: string): Promise<void> {
  const src = join(sourceDir, "objects");
  const dst = join(targetDir, "objects");
  const jobs: Promise<void>[] = [];
  for (const name of await readdir(src)) {
    if (name === "info") continue;
    if (name === "pack") {
      for (const file of await readdir(join(src, "pack"))) {
        if (PACK_NAME.test(file)) jobs.push(linkOrCopy(join(src, "pack", file), join(dst, "pack", file)));
      }
    } else if (/^[0-9a-f]{2}$/.test(name)) {
      jobs.push(
        (async () => {
          const files = (await readdir(join(src, name))).filter((f) => LOOSE_NAME.test(f));
          if (files.length === 0) return;
          await mkdir(join(dst, name));
          await Promise.all(files.map((f) => linkOrCopy(join(src, name, f), join(dst, name, f))));
        })(),
      );
    }
  }
  // allSettled first so no link is still running when a failed attempt is cleaned up.
  const results = await Promise.allSettled(jobs);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/**
 * Fork `sourceDir` into the new repository `targetDir` (parents created): same history, main at
 * the source's current head, objects shared by hard links. The cost is one link per loose object
 * plus one per pack file, so it is flat in history length once the source is packed
 * (`repackAll`); linking is done here rather than by `git clone --bare`, which measured slower
 * (see bench/repos/run.ts). Afterwards each repository moves on its own. The fork is built
 * under a temporary name and renamed into place; it fails if `targetDir` exists.
 */
export async function forkRepo(opts: { sourceDir: string; targetDir: string }): Promise<{ head: string }> {
  assertAbsoluteDir(opts.sourceDir, "sourceDir");
  assertAbsoluteDir(opts.targetDir, "targetDir");
  // Read the head before linking: every object it needs was written before the ref moved.
  const head = await readHead(opts.sourceDir);
  if (
    await lstat(opts.targetDir).then(
      () => true,
      () => false,
    )
  ) {
    throw new Error(`A repository already exists at ${opts.targetDir}`);
  }
  await mkdir(dirname(opts.targetDir), { recursive: true });
  const tmp = tempNameFor(opts.targetDir);
  try {
    // A repack of the source can delete loose objects between readdir and link; a later
    // attempt sees them in the new pack.
    for (let attempt = 1; ; attempt++) {
      await initBare(tmp);
      try {
        await linkObjects(opts.sourceDir, tmp);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= 3) throw err;
        await rm(tmp, { recursive: true, force: true });
      }
    }
    // Cheap proof that the head arrived; fails loudly instead of making a broken fork.
    await git.readCommit({ fs: gitFs, gitdir: tmp, oid: head, cache: {} });
    await compareAndSwapRef({ dir: tmp, expected: null, next: head });
    await rename(tmp, opts.targetDir);
    return { head };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
