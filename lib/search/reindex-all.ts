import "server-only";
import { getDb } from "@/lib/db/client";
import { buildSearchDocs } from "./build-search-doc";
import { getSearchEngine } from "./get-search-engine";

/** Snippets read (rows and files) per round while rebuilding. */
const CHUNK = 200;

/**
 * Rebuilds the index from scratch: empties it, then adds every public snippet, reading each
 * one's files at its head from git. Snippets written meanwhile are indexed by their own write
 * too, so nothing is lost; a snippet deleted meanwhile is skipped (its row is gone). Searches
 * during the rebuild see only the snippets added so far.
 */
export async function reindexAll(options: { onProgress?: (done: number) => void } = {}): Promise<{ indexed: number; engine: string }> {
  const engine = getSearchEngine();
  let indexed = 0;
  await engine.rebuild(async (add) => {
    let after: string | undefined;
    for (;;) {
      const rows = await getDb().snippet.findMany({
        where: { visibility: "PUBLIC", ...(after ? { id: { gt: after } } : {}) },
        select: { id: true },
        orderBy: { id: "asc" },
        take: CHUNK,
      });
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.id;
      const docs = [...(await buildSearchDocs(rows.map((r) => r.id))).values()].filter((d) => d !== null);
      await add(docs);
      indexed += docs.length;
      options.onProgress?.(indexed);
    }
  });
  return { indexed, engine: engine.name };
}
