import "server-only";
import { isBinary, readFiles, resolveRevision } from "@/lib/repos";
import { inReadingOrder, mainFileOf } from "./main-file";
import { findSnippetOrThrow, fromRepoError, repoDir, toSnippetSummary, type TSnippetSummary } from "./internal";

export type TSnippetFile = {
  path: string;
  oid: string;
  size: number;
  binary: boolean;
  /** UTF-8 text, or null for a binary file. */
  text: string | null;
};

export type TSnippetAtRevision = {
  snippet: TSnippetSummary;
  /** The full oid shown. */
  rev: string;
  /** Whether `rev` is the latest revision. */
  isHead: boolean;
  head: string;
  /** Files in reading order: the main file first. */
  files: TSnippetFile[];
  /** The file Run executes, when one can be chosen. */
  mainFile: string | null;
};

const decoder = new TextDecoder("utf-8");

/**
 * A snippet with its files at a revision (`HEAD`, a full or abbreviated oid). The repository,
 * not the row, says what the head is: git is the source of truth for revisions.
 */
export async function getSnippet(options: { owner: string; slug: string; rev?: string }): Promise<TSnippetAtRevision> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const dir = repoDir(row.repoPath);
  try {
    const head = await resolveRevision({ dir, rev: "HEAD" });
    const rev = options.rev && options.rev !== "HEAD" ? await resolveRevision({ dir, rev: options.rev }) : head;
    const files = await readFiles({ dir, rev });
    const mainFile = mainFileOf(
      files.map((f) => f.path),
      row.mainFile,
    );
    return {
      snippet: { ...toSnippetSummary(row), head },
      rev,
      isHead: rev === head,
      head,
      mainFile,
      files: inReadingOrder(files, mainFile).map((f) => {
        const binary = isBinary(f.content);
        return { path: f.path, oid: f.oid, size: f.content.byteLength, binary, text: binary ? null : decoder.decode(f.content) };
      }),
    };
  } catch (e) {
    throw fromRepoError(e);
  }
}
