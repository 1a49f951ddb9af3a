import "server-only";
import { getDb } from "@/lib/db/client";
import { tagPathsOf } from "./tag-paths";
import { toIndexText, vocabularyOf } from "./words";
import type { TEngineHit, TEngineQuery, TEngineResult, TSearchDoc, TSearchEngine, TTitleSuggestion } from "./types";

/*
 * The default engine: Postgres full-text search (works the same on PGlite) over the tables of
 * migration 20261122040000_search. Words are stemmed with the English configuration; the last
 * query word also matches as a prefix (search as you type); a word the index has never seen is
 * corrected to the closest words of the vocabulary by trigram similarity (pg_trgm).
 *
 * Ranking reads only the small `head` vector (title A, tags/author/file names B, blurb C), kept
 * in the row; file contents live in `content`, which only its GIN index consults. So a query
 * matching half the library still ranks small rows, and a snippet whose title or tags match
 * comes before one that only mentions the words in its code.
 */

const CONFIG = "english";
/** Corrections tried per mistyped word. */
const CORRECTIONS = 3;
/** Words shorter than this are never corrected: too many neighbours, too little signal. */
const MIN_CORRECTED_LENGTH = 4;
/** Documents per INSERT when many are added at once (a rebuild). */
const BATCH = 200;
/** Text indexed per file and per snippet; the rest of a huge file is not searched. */
const MAX_FILE_TEXT = 64 * 1024;
const MAX_DOC_TEXT = 256 * 1024;
/** Suggestions rank at most this many title matches (the first found), to stay fast for a 2-letter prefix. */
const SUGGEST_CANDIDATES = 200;

type TRow = Omit<TEngineHit, "files">;

export function createPostgresEngine(): TSearchEngine {
  return {
    name: "postgres",
    upsert,
    async remove(ids) {
      if (ids.length === 0) return;
      await getDb().$executeRawUnsafe(`DELETE FROM "SearchDoc" WHERE "snippetId" = ANY($1::text[])`, ids);
    },
    async clear() {
      await getDb().$executeRawUnsafe(`TRUNCATE "SearchDoc", "SearchWord"`);
    },
    search,
    suggestTitles,
  };
}

/** Postgres text cannot hold NUL, and the JSON carrying it would be refused too. */
function clean(text: string): string {
  return text.includes("\0") ? text.replaceAll("\0", "") : text;
}

function cappedFiles(files: TSearchDoc["files"]): { path: string; text: string }[] {
  let budget = MAX_DOC_TEXT;
  return files.map((f) => {
    const text = clean(f.text.slice(0, Math.max(0, Math.min(MAX_FILE_TEXT, budget))));
    budget -= text.length;
    return { path: clean(f.path), text };
  });
}

async function upsert(docs: TSearchDoc[]): Promise<void> {
  for (let i = 0; i < docs.length; i += BATCH) {
    const batch = docs.slice(i, i + BATCH);
    const vocabulary = new Set<string>();
    const rows = batch.map((d) => {
      const files = cappedFiles(d.files);
      const texts = [d.title, d.blurb, d.owner, d.ownerName, ...d.tags, ...files.map((f) => f.path), ...files.map((f) => f.text)];
      vocabularyOf(texts, vocabulary);
      return {
        id: d.id,
        owner: d.owner,
        ownerName: clean(d.ownerName),
        slug: d.slug,
        title: clean(d.title),
        blurb: clean(d.blurb),
        tags: d.tags,
        tagPaths: tagPathsOf(d.tags),
        paths: files.map((f) => f.path),
        texts: files.map((f) => f.text),
        updatedAt: d.updatedAt.toISOString(),
        titleWords: toIndexText(clean(d.title)),
        headWords: toIndexText([...d.tags, d.owner, clean(d.ownerName), ...files.map((f) => f.path)].join(" ")),
        blurbWords: toIndexText(clean(d.blurb)),
        bodyWords: toIndexText(files.map((f) => f.text).join("\n")),
      };
    });
    await getDb().$executeRawUnsafe(
      `WITH d AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
           id text, owner text, "ownerName" text, slug text, title text, blurb text, tags text[], "tagPaths" text[],
           paths text[], texts text[], "updatedAt" timestamp(3), "titleWords" text, "headWords" text, "blurbWords" text, "bodyWords" text)
       ), v AS (
         SELECT d.*, setweight(to_tsvector('${CONFIG}', "titleWords"), 'A') || setweight(to_tsvector('${CONFIG}', "headWords"), 'B')
                  || setweight(to_tsvector('${CONFIG}', "blurbWords"), 'C') AS head
         FROM d
       ), saved AS (
         INSERT INTO "SearchDoc" ("snippetId", owner, "ownerName", slug, title, blurb, tags, "tagPaths", paths, texts, "updatedAt", head, content)
         SELECT id, owner, "ownerName", slug, title, blurb, tags, "tagPaths", paths, texts, "updatedAt", head,
                head || setweight(to_tsvector('${CONFIG}', "bodyWords"), 'D')
         FROM v
         ON CONFLICT ("snippetId") DO UPDATE SET
           owner = EXCLUDED.owner, "ownerName" = EXCLUDED."ownerName", slug = EXCLUDED.slug, title = EXCLUDED.title,
           blurb = EXCLUDED.blurb, tags = EXCLUDED.tags, "tagPaths" = EXCLUDED."tagPaths", paths = EXCLUDED.paths,
           texts = EXCLUDED.texts, "updatedAt" = EXCLUDED."updatedAt", head = EXCLUDED.head, content = EXCLUDED.content
       )
       INSERT INTO "SearchWord" (word) SELECT unnest($2::text[]) ON CONFLICT DO NOTHING`,
      JSON.stringify(rows),
      [...vocabulary],
    );
  }
}

/**
 * For each query word, the words of the vocabulary it may stand for: none when the word is
 * known as typed (for the last word: when some word starts with it), otherwise up to
 * CORRECTIONS of the most similar. One round trip for all words.
 */
async function correctionsFor(words: string[]): Promise<string[][]> {
  const rows = await getDb().$queryRawUnsafe<{ i: number; word: string | null }[]>(
    `WITH w AS (
       SELECT t.q, t.i::int AS i, EXISTS (
         SELECT 1 FROM "SearchWord"
         WHERE word >= t.q AND word < t.q || chr(1114111) AND (t.i = $2 OR word = t.q)
       ) AS known
       FROM unnest($1::text[]) WITH ORDINALITY AS t(q, i)
     )
     SELECT w.i, s.word
     FROM w LEFT JOIN LATERAL (
       SELECT word FROM "SearchWord"
       WHERE NOT w.known AND length(w.q) >= ${MIN_CORRECTED_LENGTH} AND word % w.q
       ORDER BY similarity(word, w.q) DESC, word
       LIMIT ${CORRECTIONS}
     ) s ON true
     ORDER BY w.i`,
    words,
    words.length,
  );
  const out: string[][] = words.map(() => []);
  for (const r of rows) if (r.word !== null) out[Number(r.i) - 1]?.push(r.word);
  return out;
}

/**
 * The tsquery text for the words: each word OR its corrections, the groups joined with `op`;
 * the last word as typed is a prefix. Words hold only letters and digits (words.ts), so they
 * cannot carry tsquery syntax. `weight` restricts every term to that weight (suggestions: titles).
 */
function tsqueryText(words: string[], corrections: string[][], op: "&" | "|", weight = ""): string {
  return words
    .map((w, i) => {
      const last = i === words.length - 1;
      const alternatives = [`${w}:${last ? "*" : ""}${weight}`, ...(corrections[i] ?? []).map((c) => `${c}:${weight}`)];
      return `(${alternatives.map((a) => a.replace(/:$/, "")).join(" | ")})`;
    })
    .join(` ${op} `);
}

const HIT_COLUMNS = `d."snippetId" AS id, d.owner, d."ownerName", d.slug, d.title, d.blurb, d.tags, d."updatedAt"`;

async function search(query: TEngineQuery): Promise<TEngineResult> {
  // Parameters: $1 limit, $2 offset, then the tags (when filtering), then the tsquery.
  const params: unknown[] = [query.limit + 1, query.offset];
  const where: string[] = [];
  if (query.tags.length > 0) {
    params.push(query.tags);
    where.push(`d."tagPaths" @> $${params.length}::text[]`);
  }
  let rows: TRow[];
  let matched: string[] = [];
  if (query.words.length === 0) {
    rows = await getDb().$queryRawUnsafe<TRow[]>(
      `SELECT ${HIT_COLUMNS} FROM "SearchDoc" d WHERE ${where.join(" AND ") || "true"}
       ORDER BY d."updatedAt" DESC, d."snippetId" LIMIT $1 OFFSET $2`,
      ...params,
    );
  } else {
    const corrections = await correctionsFor(query.words);
    matched = [...query.words, ...corrections.flat()];
    const q = `$${params.length + 1}`;
    where.push(`d.content @@ to_tsquery('${CONFIG}', ${q})`);
    const order = query.sort === "recent" ? `d."updatedAt" DESC` : `ts_rank(d.head, to_tsquery('${CONFIG}', ${q})) DESC, d."updatedAt" DESC`;
    const run = (op: "&" | "|") =>
      getDb().$queryRawUnsafe<TRow[]>(
        `SELECT ${HIT_COLUMNS} FROM "SearchDoc" d WHERE ${where.join(" AND ")}
         ORDER BY ${order}, d."snippetId" LIMIT $1 OFFSET $2`,
        ...params,
        tsqueryText(query.words, corrections, op),
      );
    rows = await run("&");
    // No snippet has every word: show those with some of them (the most first) rather than nothing.
    if (rows.length === 0 && query.offset === 0 && query.words.length > 1) rows = await run("|");
  }
  const files = await filesOf(rows.map((r) => r.id));
  return { hits: rows.map((r) => ({ ...r, updatedAt: new Date(r.updatedAt), files: files.get(r.id) ?? [] })), matched };
}

/** The indexed file texts of a page of results (read only for the page, not while ranking). */
async function filesOf(ids: string[]): Promise<Map<string, { path: string; text: string }[]>> {
  if (ids.length === 0) return new Map();
  const rows = await getDb().$queryRawUnsafe<{ id: string; paths: string[]; texts: string[] }[]>(
    `SELECT "snippetId" AS id, paths, texts FROM "SearchDoc" WHERE "snippetId" = ANY($1::text[])`,
    ids,
  );
  return new Map(rows.map((r) => [r.id, r.paths.map((path, i) => ({ path, text: r.texts[i] ?? "" }))]));
}

async function suggestTitles(words: string[], limit: number): Promise<TTitleSuggestion[]> {
  if (words.length === 0) return [];
  const corrections = await correctionsFor(words);
  return getDb().$queryRawUnsafe<TTitleSuggestion[]>(
    `SELECT c.owner, c.slug, c.title FROM (
       SELECT d.owner, d.slug, d.title, d.head, d."updatedAt" FROM "SearchDoc" d
       WHERE d.head @@ to_tsquery('${CONFIG}', $1) LIMIT ${SUGGEST_CANDIDATES}
     ) c
     ORDER BY ts_rank(c.head, to_tsquery('${CONFIG}', $1)) DESC, c."updatedAt" DESC LIMIT $2`,
    tsqueryText(words, corrections, "&", "A"),
    limit,
  );
}
