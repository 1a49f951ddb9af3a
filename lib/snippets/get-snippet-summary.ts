import "server-only";
import { findSnippetOrThrow, toSnippetSummary, type TSnippetSummary } from "./internal";

/** A snippet's metadata without its files (title, owner, tags, fork count…), or a 404. */
export async function getSnippetSummary(options: { owner: string; slug: string }): Promise<TSnippetSummary> {
  return toSnippetSummary(await findSnippetOrThrow(options.owner, options.slug));
}
