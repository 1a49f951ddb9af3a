import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Lay out an empty bare repository at `gitdir` the way `git init --bare -b main` does (minus
 * hook samples). Written by hand because isomorphic-git's init sets `ignorecase`/`filemode`
 * values meant for working trees, and spawning git costs ~20 ms.
 */
export async function initBare(gitdir: string): Promise<void> {
  await mkdir(join(gitdir, "objects", "pack"), { recursive: true });
  await mkdir(join(gitdir, "objects", "info"));
  await mkdir(join(gitdir, "refs", "heads"), { recursive: true });
  await mkdir(join(gitdir, "refs", "tags"));
  await writeFile(join(gitdir, "HEAD"), "ref: refs/heads/main\n");
  await writeFile(join(gitdir, "config"), "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n");
}
