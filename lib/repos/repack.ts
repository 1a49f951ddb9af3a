import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { assertAbsoluteDir } from "./paths";

const run = promisify(execFile);

/**
 * Pack every repository under `reposDir` (`aa/<38 hex>.git`): `git repack -adq` then
 * `git prune-packed`. Safe while the app runs: repack never removes loose objects that are not
 * yet packed (a commit in flight), and a fork's hard links keep their own copies of any file
 * repack deletes. Returns how many repositories were packed and which failed.
 */
export async function repackAll(opts: { reposDir: string }): Promise<{ packed: number; failed: { dir: string; error: string }[] }> {
  assertAbsoluteDir(opts.reposDir, "reposDir");
  let packed = 0;
  const failed: { dir: string; error: string }[] = [];
  for (const shard of (await readdir(opts.reposDir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!shard.isDirectory()) continue;
    for (const entry of await readdir(join(opts.reposDir, shard.name), { withFileTypes: true })) {
      if (!entry.isDirectory() || !entry.name.endsWith(".git")) continue;
      const dir = join(opts.reposDir, shard.name, entry.name);
      try {
        await run("git", ["-C", dir, "repack", "-adq"]);
        await run("git", ["-C", dir, "prune-packed"]);
        packed++;
      } catch (err) {
        failed.push({ dir, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return { packed, failed };
}
