import "server-only";
import type { Readable } from "node:stream";
import { archiveRevision, resolveRevision } from "@/lib/repos";
import { findSnippetOrThrow, fromRepoError, repoDir } from "./internal";

/** A streamed ZIP of a snippet's files at a revision, with the file name to offer. */
export async function archiveSnippet(options: { owner: string; slug: string; rev: string }): Promise<{ rev: string; fileName: string; stream: Readable }> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const dir = repoDir(row.repoPath);
  try {
    const rev = await resolveRevision({ dir, rev: options.rev });
    const prefix = `${row.owner.username}-${row.slug}-${rev.slice(0, 7)}`;
    const stream = await archiveRevision({ dir, rev, prefix });
    return { rev, fileName: `${prefix}.zip`, stream };
  } catch (e) {
    throw fromRepoError(e);
  }
}
