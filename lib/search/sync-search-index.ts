import "server-only";
import { buildSearchDocs } from "./build-search-doc";
import { getSearchEngine } from "./get-search-engine";

/**
 * Brings the index in line with one snippet after a write (create, edit, fork, tag change,
 * delete): indexed again if it is public, removed if it is unlisted or gone. Called after the
 * database and git writes succeeded. A failure here must not undo or fail a write that already
 * happened, so it is logged; the index catches up at the snippet's next write or with
 * `bin/cellar reindex`.
 */
export async function syncSearchIndex(options: { snippetId: string }): Promise<void> {
  try {
    const doc = (await buildSearchDocs([options.snippetId])).get(options.snippetId);
    const engine = getSearchEngine();
    if (doc) await engine.upsert([doc]);
    else await engine.remove([options.snippetId]);
  } catch (e) {
    console.error(`Search: the index could not be updated for snippet ${options.snippetId}; run bin/cellar reindex`, e);
  }
}
