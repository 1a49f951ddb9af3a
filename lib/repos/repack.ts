import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { assertAbsoluteDir } from "./paths";

const run = promisify(execFile);

/**
 * Pack every repository under `reposDir` (`aa/<38 hex>.git`): `git repack -adq` then
 * `git prune-packed`, `concurrency` repositories at a time (default 2). Safe while the app runs:
 * repack writes the new pack before deleting anything, never removes loose objects it did not
 * pack (a commit in flight), and a fork's hard links keep their own copies of any file it
 * deletes. Returns how many repositories were packed and which failed (the rest go on).
 */
export async function repackAll(opts: { reposDir: string; concurrency?: number }): Promise<{ packed: number; failed: { dir: string; error: string }[] }> {
  assertAbsoluteDir(opts.reposDir, "reposDir");
  const dirs: string[] = [];
  for (const shard of await readdir(opts.reposDir, { withFileTypes: true })) {
    if (!shard.isDirectory()) continue;
    for (const entry of await readdir(join(opts.reposDir, shard.name), { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name.endsWith(".git")) dirs.push(join(opts.reposDir, shard.name, entry.name));
    }
  }
  dirs.sort();
  let packed = 0;
  const failed: { dir: string; error: string }[] = [];
  let next = 0;
  const worker = async () => {
    for (let dir = dirs[next++]; dir !== undefined; dir = dirs[next++]) {
      try {
        await run("git", ["-C", dir, "repack", "-adq"]);
        await run("git", ["-C", dir, "prune-packed"]);
        packed++;
      } catch (err) {
        failed.push({ dir, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  failed.sort((a, b) => (a.dir < b.dir ? -1 : 1));
  return { packed, failed };
}
