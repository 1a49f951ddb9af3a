import git from "isomorphic-git";
import { Readable } from "node:stream";
import yazl from "yazl";
import { gitFs } from "./fs";
import { cacheFor } from "./cache";
import { assertAbsoluteDir } from "./paths";
import { listBlobs, readBlobContent, resolveWith } from "./read";

/**
 * A ZIP of revision `rev` of `dir`, streamed: entries are `prefix/<path>`, each blob is read
 * only when the zip writer reaches it, so at most one file is held in memory. Revision errors
 * (NOT_FOUND) are thrown before the stream is returned; a later read failure destroys the stream.
 * `prefix` is one folder name such as `alice-hello-1a2b3c4`. `extra` files (a LICENSE written by
 * the site) are added after the revision's own, under the same prefix; the caller picks paths
 * the revision does not have.
 */
export async function archiveRevision(opts: { dir: string; rev: string; prefix: string; extra?: { path: string; content: Uint8Array }[] }): Promise<Readable> {
  assertAbsoluteDir(opts.dir);
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses.
  if (typeof opts.prefix !== "string" || !/^[^/\\\u0000-\u001f]+$/.test(opts.prefix) || opts.prefix === "." || opts.prefix === "..") {
    throw new TypeError(`prefix must be a single folder name, got ${JSON.stringify(opts.prefix)}`);
  }
  const cache = cacheFor(opts.dir);
  const commit = await resolveWith(opts.dir, opts.rev, cache);
  const [{ commit: info }, blobs] = await Promise.all([
    git.readCommit({ fs: gitFs, gitdir: opts.dir, oid: commit, cache }),
    listBlobs(opts.dir, commit, cache),
  ]);
  // The commit time, not "now": the same revision always zips to the same bytes.
  const mtime = new Date(info.committer.timestamp * 1000);
  const zip = new yazl.ZipFile();
  for (const { path, oid } of blobs) {
    zip.addReadStreamLazy(`${opts.prefix}/${path}`, { mtime, mode: 0o100644 }, (cb) => {
      readBlobContent(opts.dir, oid, cache).then(
        (content) => cb(null, Readable.from([Buffer.from(content.buffer, content.byteOffset, content.byteLength)])),
        (err: unknown) => cb(err, Readable.from([])),
      );
    });
  }
  for (const { path, content } of opts.extra ?? []) zip.addBuffer(Buffer.from(content), `${opts.prefix}/${path}`, { mtime, mode: 0o100644 });
  zip.end();
  // yazl's outputStream is a PassThrough; typed loosely as NodeJS.ReadableStream.
  const stream = zip.outputStream as Readable;
  zip.on("error", (err: Error) => stream.destroy(err));
  return stream;
}
