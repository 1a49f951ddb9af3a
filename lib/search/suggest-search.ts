import "server-only";
import { getDb } from "@/lib/db/client";
import { getSearchEngine } from "./get-search-engine";
import { queryWords } from "./words";
import type { TSuggestions } from "./types";

const SNIPPETS = 6;
const TAGS = 4;

/**
 * What the search box offers as the user types `q`: snippets whose title matches (the last
 * word as a prefix, typos forgiven) and tags containing the text (as a whole path or one of
 * its parts), most used by public snippets first (tags only unlisted snippets use are left
 * out). Tags come from the database whatever the engine.
 */
export async function suggestSearch(options: { q: string }): Promise<TSuggestions> {
  const q = options.q.trim().toLowerCase().slice(0, 100);
  const words = queryWords(q);
  if (words.length === 0) return { snippets: [], tags: [] };
  const [titles, tags] = await Promise.all([getSearchEngine().suggestTitles(words, SNIPPETS), suggestTags(q)]);
  return { snippets: titles.map((t) => ({ ...t, url: `/${t.owner}/${t.slug}` })), tags };
}

/** Tags whose path, or one of its parts, starts with `q` (spaces read as dashes, like the tag input). */
async function suggestTags(q: string): Promise<TSuggestions["tags"]> {
  const text = q.replace(/\s+/g, "-").replace(/[%_\\]/g, (c) => `\\${c}`);
  const rows = await getDb().$queryRawUnsafe<{ name: string; count: number | bigint }[]>(
    `SELECT t.name, (
       SELECT count(*) FROM "SnippetTag" st JOIN "Snippet" s ON s.id = st."snippetId" AND s.visibility = 'PUBLIC' WHERE st."tagId" = t.id
     ) AS count
     FROM "Tag" t
     WHERE t.name LIKE $1 || '%' OR t.name LIKE '%/' || $1 || '%'
     ORDER BY count DESC, t.name LIMIT ${TAGS}`,
    text,
  );
  return rows.filter((r) => Number(r.count) > 0).map((r) => ({ name: r.name, count: Number(r.count) }));
}
