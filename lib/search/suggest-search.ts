import "server-only";
import { getDb } from "@/lib/db/client";
import { escapeLike } from "@/lib/tags/tag-path";
import { getSearchEngine } from "./get-search-engine";
import { stripQualifiers } from "./parse-query";
import { queryWords } from "./words";
import type { TSuggestions } from "./types";

const SNIPPETS = 6;
const TAGS = 4;

/**
 * What the search box offers as the user types `q`: snippets whose title matches (the last
 * word as a prefix, typos forgiven) and tags containing the text (as a whole path or one of
 * its parts). Tags come from the database whatever the engine. Qualifiers (`user:alice`,
 * `tag:calc`, parse-query.ts) are left out: "newton user:al" suggests for "newton".
 */
export async function suggestSearch(options: { q: string }): Promise<TSuggestions> {
  const q = stripQualifiers(options.q.slice(0, 100)).toLowerCase();
  const words = queryWords(q);
  if (words.length === 0) return { snippets: [], tags: [] };
  const [titles, tags] = await Promise.all([getSearchEngine().suggestTitles(words, SNIPPETS), suggestTags(q)]);
  return { snippets: titles.map((t) => ({ ...t, url: `/${t.owner}/${t.slug}` })), tags };
}

/**
 * Tags whose path, or one of its parts, starts with `q` (spaces read as dashes, like the tag
 * input), most used first, and only tags some public snippet has. Counting each tag's public
 * snippets would read every snippet under a popular tag on each keystroke (tens of
 * milliseconds at 100,000 snippets), so the box names the tags without counts.
 */
async function suggestTags(q: string): Promise<TSuggestions["tags"]> {
  const text = escapeLike(q.replace(/\s+/g, "-"));
  const rows = await getDb().$queryRawUnsafe<{ name: string }[]>(
    `SELECT t.name FROM "Tag" t
     WHERE (t.name LIKE $1 || '%' OR t.name LIKE '%/' || $1 || '%')
       -- Row by row (a scalar lookup, never a join the planner could hash over every snippet): stops at the first public one.
       AND EXISTS (SELECT 1 FROM "SnippetTag" st WHERE st."tagId" = t.id AND (SELECT s.visibility FROM "Snippet" s WHERE s.id = st."snippetId") = 'PUBLIC')
     ORDER BY (SELECT count(*) FROM "SnippetTag" st WHERE st."tagId" = t.id) DESC, t.name LIMIT ${TAGS}`,
    text,
  );
  return rows.map((r) => ({ name: r.name }));
}
