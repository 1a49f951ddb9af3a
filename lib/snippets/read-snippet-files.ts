import "server-only";
import { findSnippetOrThrow, readRevision, type TSnippetFileBytes } from "./internal";
import { effectiveKernel, type TKernelName } from "./kernel";
import { mainFileOf } from "./main-file";

export type { TSnippetFileBytes };

/**
 * Every file of a snippet at a revision with its bytes, binary files included (getSnippet
 * decodes text for pages and drops binary content; clients that download or run need the
 * bytes), the file Run executes first (see mainFileOf), and the kernel it runs in (the owner's
 * choice, else the main file's: see kernel.ts).
 */
export async function readSnippetFiles(options: {
  owner: string;
  slug: string;
  rev?: string;
}): Promise<{ snippetId: string; rev: string; head: string; files: TSnippetFileBytes[]; mainFile: string | null; kernel: TKernelName }> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const revision = await readRevision(row.repoPath, options.rev);
  const mainFile = mainFileOf(
    revision.files.map((f) => f.path),
    row.mainFile,
  );
  return { ...revision, snippetId: row.id, mainFile, kernel: effectiveKernel(row.kernel, mainFile) };
}
