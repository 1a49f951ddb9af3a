import git from "isomorphic-git";
import { assertAbsoluteDir } from "./paths";
import { cacheFor } from "./cache";
import { listBlobs, reachableCommits, readBlobContent, readHead, resolveWith } from "./read";
import type { SnippetFile } from "./validate";

/**
 * Bytes of file content that recording `files` on top of revision `base` of `dir` adds to the
 * store: each distinct content (blob) that `base` does not already hold, counted once, at its
 * uncompressed size. An unchanged or renamed file costs nothing; `base` null (a new repository)
 * counts every distinct content. Reads only `base`'s trees and hashes `files`, so it is cheap
 * enough to run before every write (the storage quota, lib/users/storage-quota.ts).
 */
export async function addedBytes(opts: { dir: string; base: string | null; files: readonly SnippetFile[] }): Promise<number> {
  const known = new Set<string>();
  if (opts.base !== null) {
    assertAbsoluteDir(opts.dir);
    const cache = cacheFor(opts.dir);
    for (const blob of await listBlobs(opts.dir, await resolveWith(opts.dir, opts.base, cache), cache)) known.add(blob.oid);
  }
  let bytes = 0;
  for (const file of opts.files) {
    const { oid } = await git.hashBlob({ object: file.content });
    if (known.has(oid)) continue;
    known.add(oid);
    bytes += file.content.byteLength;
  }
  return bytes;
}

/**
 * Bytes of every distinct file content in the history of `dir` (all revisions reachable from its
 * head), uncompressed: what {@link addedBytes} would have charged for its writes, for
 * repositories written before it was counted. Reads every blob once: a maintenance task.
 */
export async function historyBytes(opts: { dir: string }): Promise<number> {
  assertAbsoluteDir(opts.dir);
  const cache = cacheFor(opts.dir);
  const seen = new Set<string>();
  let bytes = 0;
  for (const commit of await reachableCommits(opts.dir, await readHead(opts.dir), cache)) {
    for (const { oid } of await listBlobs(opts.dir, commit, cache)) {
      if (seen.has(oid)) continue;
      seen.add(oid);
      bytes += (await readBlobContent(opts.dir, oid, cache)).byteLength;
    }
  }
  return bytes;
}
