import "server-only";
import { findSnippetOrThrow, readRevision, type TSnippetFileBytes } from "./internal";

export type { TSnippetFileBytes };

/**
 * Every file of a snippet at a revision with its bytes, binary files included (getSnippet
 * decodes text for pages and drops binary content; clients that download need the bytes).
 */
export async function readSnippetFiles(options: { owner: string; slug: string; rev?: string }): Promise<{ rev: string; head: string; files: TSnippetFileBytes[] }> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  return readRevision(row.repoPath, options.rev);
}
