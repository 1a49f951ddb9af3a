import "server-only";
import { effectiveKernel } from "./kernel";
import { inReadingOrder, mainFileOf } from "./main-file";
import { findSnippetOrThrow, readRevision, toSnippetSummary, type TSnippetSummary } from "./internal";

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

/** A snippet with its files at a revision (`HEAD`, a full or abbreviated oid), text decoded. */
export async function getSnippet(options: { owner: string; slug: string; rev?: string }): Promise<TSnippetAtRevision> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const { rev, head, files } = await readRevision(row.repoPath, options.rev);
  const mainFile = mainFileOf(
    files.map((f) => f.path),
    row.mainFile,
  );
  return {
    // The kernel of the revision shown: Run at this revision uses its main file.
    snippet: { ...toSnippetSummary(row), head, kernel: effectiveKernel(row.kernel, mainFile) },
    rev,
    isHead: rev === head,
    head,
    mainFile,
    files: inReadingOrder(files, mainFile).map((f) => ({
      path: f.path,
      oid: f.oid,
      size: f.size,
      binary: f.binary,
      text: f.binary ? null : decoder.decode(f.content),
    })),
  };
}
