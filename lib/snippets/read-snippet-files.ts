import "server-only";
import { isBinary, readFiles, resolveRevision } from "@/lib/repos";
import { findSnippetOrThrow, fromRepoError, repoDir } from "./internal";

export type TSnippetFileBytes = { path: string; oid: string; size: number; binary: boolean; content: Uint8Array };

/**
 * Every file of a snippet at a revision with its bytes, binary files included (getSnippet
 * decodes text for pages and drops binary content; clients that download need the bytes).
 */
export async function readSnippetFiles(options: { owner: string; slug: string; rev?: string }): Promise<{ rev: string; head: string; files: TSnippetFileBytes[] }> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const dir = repoDir(row.repoPath);
  try {
    const head = await resolveRevision({ dir, rev: "HEAD" });
    const rev = options.rev && options.rev !== "HEAD" ? await resolveRevision({ dir, rev: options.rev }) : head;
    const files = await readFiles({ dir, rev });
    return {
      rev,
      head,
      files: files.map((f) => ({ path: f.path, oid: f.oid, size: f.content.byteLength, binary: isBinary(f.content), content: f.content })),
    };
  } catch (e) {
    throw fromRepoError(e);
  }
}
