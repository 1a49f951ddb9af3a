import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { assertAbsoluteDir } from "./paths";

const run = promisify(execFile);

/**
 * Estimated loose objects below which a repository is left alone. Estimated like
 * `git gc --auto` does, but from the number of `objects/xx` folders (one readdir): with k
 * loose objects about 256·(1 − e^(−k/256)) of them exist, so 128 folders ≈ 180 objects,
 * about 60 revisions of a three-file snippet. Forks link one file per loose object, so
 * packing keeps them flat in history length.
 */
export const LOOSE_FOLDERS_BEFORE_PACKING = 128;
/** Packs kept side by side before they are merged into one (`repack -a`). */
const PACKS_BEFORE_MERGING = 8;

const packing = new Map<string, Promise<boolean>>();

/**
 * Packs a repository's loose objects when there are many (incremental `git repack -d`, or
 * `-ad` once packs pile up). Safe beside readers and writers: git writes the pack before it
 * removes the loose copies, and refs are not touched. At most one run per repository at a
 * time; returns whether it packed.
 */
export function packIfLoose(opts: { dir: string; threshold?: number }): Promise<boolean> {
  assertAbsoluteDir(opts.dir, "dir");
  const running = packing.get(opts.dir);
  if (running) return running;
  const job = (async () => {
    const objects = join(opts.dir, "objects");
    const entries = await readdir(objects);
    const looseFolders = entries.filter((e) => /^[0-9a-f]{2}$/.test(e)).length;
    if (looseFolders < (opts.threshold ?? LOOSE_FOLDERS_BEFORE_PACKING)) return false;
    const packs = (await readdir(join(objects, "pack")).catch(() => [] as string[])).filter((p) => p.endsWith(".pack")).length;
    await run("git", ["-C", opts.dir, "repack", packs >= PACKS_BEFORE_MERGING ? "-adq" : "-dq"]);
    await run("git", ["-C", opts.dir, "prune-packed"]);
    return true;
  })().finally(() => packing.delete(opts.dir));
  packing.set(opts.dir, job);
  return job;
}
