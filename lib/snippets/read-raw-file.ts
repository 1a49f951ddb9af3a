import "server-only";
import { readFile, resolveRevision } from "@/lib/repos";
import { findSnippetOrThrow, fromRepoError, repoDir } from "./internal";

/** The bytes of one file of a snippet at a revision (`HEAD` or an oid). */
export async function readRawFile(options: {
  owner: string;
  slug: string;
  rev: string;
  path: string;
}): Promise<{ rev: string; oid: string; content: Uint8Array }> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const dir = repoDir(row.repoPath);
  try {
    const rev = await resolveRevision({ dir, rev: options.rev });
    const file = await readFile({ dir, rev, path: options.path });
    return { rev, oid: file.oid, content: file.content };
  } catch (e) {
    throw fromRepoError(e);
  }
}
