import "server-only";
import { findSnippetOrThrow, readRevision, type TSnippetFileBytes } from "./internal";
import { mainFileOf } from "./main-file";

export type { TSnippetFileBytes };

/**
 * Every file of a snippet at a revision with its bytes, binary files included (getSnippet
 * decodes text for pages and drops binary content; clients that download or run need the
 * bytes), and the file Run executes first (see mainFileOf).
 */
export async function readSnippetFiles(options: {
  owner: string;
  slug: string;
  rev?: string;
}): Promise<{ rev: string; head: string; files: TSnippetFileBytes[]; mainFile: string | null }> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const revision = await readRevision(row.repoPath, options.rev);
  return { ...revision, mainFile: mainFileOf(revision.files.map((f) => f.path), row.mainFile) };
}
