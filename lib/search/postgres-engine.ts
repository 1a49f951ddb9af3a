import "server-only";
import { getDb } from "@/lib/db/client";
import { pickCorrections } from "./pick-corrections";
import { tagPathsOf } from "./tag-paths";
import { toIndexText, vocabularyOf, wordDeletes } from "./words";
import type { TEngineHit, TEngineQuery, TEngineResult, TSearchDoc, TSearchEngine, TTitleSuggestion } from "./types";

/*
 * The default engine: Postgres full-text search (works the same on PGlite) over the tables of
 * migration 20261122040000_search. Words are stemmed with the English configuration; the last
 * query word also matches as a prefix (search as you type); a word the index has never seen is
 * corrected to the closest words of the vocabulary (pick-corrections.ts): those one edit away,
 * found by their deletion neighbourhoods (migration 20261122070000), or for a long word with
 * none, the most similar by trigrams (pg_trgm).
 *
 * Ranking reads only the small `head` vector (title A, tags/author/file names B, blurb C), kept
 * in the row; file contents live in `content`, which only its GIN index consults. So a query
 * matching half the library still ranks small rows, and a snippet whose title or tags match
 * comes before one that only mentions the words in its code.
 */

const CONFIG = "english";
/** Words sharing a deletion with a mistyped word that its corrections are picked from: the most similar, at most this many. */
const NEIGHBOUR_CANDIDATES = 100;
/** The most trigram-similar words a long mistyped word's corrections are picked from. */
const SIMILAR_CANDIDATES = 20;
/**
 * A word this long with no vocabulary word one edit away may still be a typo (two are
 * forgiven: pick-corrections.ts), looked for by trigram similarity; a shorter one is not
 * corrected, as a search engine would not (and trigrams are slow for short words).
 */
const MIN_TWO_TYPO_LENGTH = 9;
/** Words shorter than this are never corrected: too many neighbours, too little signal. */
const MIN_CORRECTED_LENGTH = 4;
/** Documents per INSERT when many are added at once (a rebuild). */
const BATCH = 200;
/** Text indexed per file and per snippet; the rest of a huge file is not searched. */
const MAX_FILE_TEXT = 64 * 1024;
const MAX_DOC_TEXT = 256 * 1024;
/** Suggestions rank at most this many title matches, to stay fast for a 2-letter prefix. */
const SUGGEST_CANDIDATES = 100;
/**
 * Results come in three tiers: title matches, then matches in tags, author, file names or
 * blurb (both ranked by the weighted `head` vector), then matches only in the code (newest
 * first). Each tier takes at most this many matches, the first the GIN index yields (pages stop
 * at 1,000 results anyway), so a word found in half the library costs a bounded read instead
 * of ranking 50,000 rows; a tier with more matches than that ranks a sample of them.
 */
const TIER_CANDIDATES = 1000;
const MAX_BLURB_IN_HEAD = 2000;

type TRow = Omit<TEngineHit, "files"> & { paths: string[]; texts: string[] };

export function createPostgresEngine(): TSearchEngine {
  return {
    name: "postgres",
    upsert,
    async remove(ids) {
      if (ids.length === 0) return;
      await getDb().$executeRawUnsafe(`DELETE FROM "SearchDoc" WHERE "snippetId" = ANY($1::text[])`, ids);
    },
    rebuild,
    search,
    suggestTitles,
  };
}

/**
 * The text-search indexes, as migrations create them (with the settings of 20261122043000):
 * dropped while a rebuild loads, built once afterwards, which is several times faster than
 * maintaining them row by row.
 */
const BULK_INDEXES = [
  `CREATE INDEX "SearchDoc_content_idx" ON "SearchDoc" USING GIN ("content") WITH (fastupdate = off)`,
  `CREATE INDEX "SearchDoc_head_idx" ON "SearchDoc" USING GIN ("head") WITH (fastupdate = off)`,
  `CREATE INDEX "SearchDoc_titleVec_idx" ON "SearchDoc" USING GIN ("titleVec") WITH (fastupdate = off)`,
  `CREATE INDEX "SearchDoc_tagPaths_idx" ON "SearchDoc" USING GIN ("tagPaths") WITH (fastupdate = off)`,
  `CREATE INDEX "SearchWord_trgm_idx" ON "SearchWord" USING GIN ("word" gin_trgm_ops) WITH (fastupdate = off)`,
  `CREATE INDEX "SearchWord_deletes_idx" ON "SearchWord" USING GIN ("deletes") WITH (fastupdate = off)`,
];

async function rebuild(load: (add: (docs: TSearchDoc[]) => Promise<void>) => Promise<void>): Promise<void> {
  const db = getDb();
  await db.$executeRawUnsafe(`TRUNCATE "SearchDoc", "SearchWord"`);
  for (const create of BULK_INDEXES) {
    const name = /"(\w+_idx)"/.exec(create)![1]!;
    await db.$executeRawUnsafe(`DROP INDEX IF EXISTS "${name}"`);
  }
  try {
    // The words written so far: each is sent (with its deletion hashes) once, not once per batch.
    const written = new Set<string>();
    await load((docs) => upsert(docs, written));
  } finally {
    // Whatever happened while loading, the indexes come back (IF NOT EXISTS: a rerun after a crash).
    for (const create of BULK_INDEXES) await db.$executeRawUnsafe(create.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"));
    await db.$executeRawUnsafe(`ANALYZE "SearchDoc", "SearchWord"`);
  }
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

/** Adds or replaces `docs`, and adds their words to the vocabulary, except those in `written` (a rebuild's). */
async function upsert(docs: TSearchDoc[], written?: Set<string>): Promise<void> {
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
        // The blurb's start only: head is ranked row by row and must stay small (see the migration).
        blurbWords: toIndexText(clean(d.blurb).slice(0, MAX_BLURB_IN_HEAD)),
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
                  || setweight(to_tsvector('${CONFIG}', "blurbWords"), 'C') AS head,
                to_tsvector('${CONFIG}', "titleWords") AS "titleVec"
         FROM d
       ), saved AS (
         INSERT INTO "SearchDoc" ("snippetId", owner, "ownerName", slug, title, blurb, tags, "tagPaths", paths, texts, "updatedAt", head, "titleVec", content)
         SELECT id, owner, "ownerName", slug, title, blurb, tags, "tagPaths", paths, texts, "updatedAt", head, "titleVec",
                head || setweight(to_tsvector('${CONFIG}', "bodyWords"), 'D')
         FROM v
         ON CONFLICT ("snippetId") DO UPDATE SET
           owner = EXCLUDED.owner, "ownerName" = EXCLUDED."ownerName", slug = EXCLUDED.slug, title = EXCLUDED.title,
           blurb = EXCLUDED.blurb, tags = EXCLUDED.tags, "tagPaths" = EXCLUDED."tagPaths", paths = EXCLUDED.paths,
           texts = EXCLUDED.texts, "updatedAt" = EXCLUDED."updatedAt", head = EXCLUDED.head, "titleVec" = EXCLUDED."titleVec", content = EXCLUDED.content
       )
       INSERT INTO "SearchWord" (word, deletes)
       SELECT word, deletes FROM jsonb_to_recordset($2::jsonb) AS x(word text, deletes int4[]) ON CONFLICT DO NOTHING`,
      JSON.stringify(rows),
      JSON.stringify(newWords(vocabulary, written).map((word) => ({ word, deletes: wordDeletes(word) }))),
    );
  }
}

function newWords(vocabulary: Set<string>, written: Set<string> | undefined): string[] {
  if (!written) return [...vocabulary];
  const fresh = [...vocabulary].filter((w) => !written.has(w));
  for (const w of fresh) written.add(w);
  return fresh;
}

type TWordInfo = {
  /** The vocabulary holds the word as typed (stemming then covers its other forms). */
  exact: boolean;
  /** Vocabulary words it may stand for when it is not known (pickCorrections). */
  corrections: string[];
};

/**
 * What the vocabulary says about each query word: whether it is known as typed, whether some
 * word starts with it (for the last word only, the one still being typed, which alone matches
 * as a prefix), and, for a word that is neither, its corrections. One round trip, and a second
 * only for a long word with no vocabulary word one edit away.
 */
async function lookUpWords(words: string[]): Promise<TWordInfo[]> {
  type TCandidateRow = { i: number; exact: boolean; known: boolean; word: string | null; similarity: number | null };
  const rows = await getDb().$queryRawUnsafe<TCandidateRow[]>(
    `WITH w AS (
       SELECT t.q, t.i::int AS i, t.d::int4[] AS d,
              EXISTS (SELECT 1 FROM "SearchWord" WHERE word = t.q) AS exact,
              EXISTS (SELECT 1 FROM "SearchWord" WHERE word = t.q OR (t.i = cardinality($1::text[]) AND word >= t.q AND word < t.q || chr(1114111))) AS known
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(q, d, i)
     )
     SELECT w.i, w.exact, w.known, s.word, s.similarity
     FROM w LEFT JOIN LATERAL (
       SELECT word, similarity(word, w.q) AS similarity FROM "SearchWord"
       WHERE NOT w.known AND length(w.q) >= ${MIN_CORRECTED_LENGTH} AND deletes && w.d
       ORDER BY 2 DESC, word
       LIMIT ${NEIGHBOUR_CANDIDATES}
     ) s ON true
     ORDER BY w.i`,
    words,
    words.map((w) => `{${wordDeletes(w).join(",")}}`),
  );
  const out = words.map(() => ({ exact: false, known: true, candidates: [] as { word: string; similarity: number }[] }));
  for (const r of rows) {
    const info = out[Number(r.i) - 1];
    if (!info) continue;
    info.exact = r.exact;
    info.known = r.known;
    if (r.word !== null) info.candidates.push({ word: r.word, similarity: Number(r.similarity) });
  }
  return Promise.all(
    out.map(async (info, i) => {
      const word = words[i]!;
      const candidates = !info.known && info.candidates.length === 0 && word.length >= MIN_TWO_TYPO_LENGTH ? await similarWords(word) : info.candidates;
      return { exact: info.exact, corrections: pickCorrections(word, candidates) };
    }),
  );
}

/** The vocabulary words most similar to `word` by trigrams, best first. */
function similarWords(word: string): Promise<{ word: string; similarity: number }[]> {
  return getDb().$queryRawUnsafe<{ word: string; similarity: number }[]>(
    `SELECT word, similarity(word, $1) AS similarity FROM "SearchWord" WHERE word % $1 ORDER BY 2 DESC, word LIMIT ${SIMILAR_CANDIDATES}`,
    word,
  );
}

/**
 * The tsquery text for the words: each word OR its corrections, the groups joined with `op`.
 * The last word is a prefix unless it is a known word: "deriv" finds "derivative", but "plot"
 * means plot (stemming still finds "plots" and "plotting"), which keeps a complete common word
 * from expanding to every word that starts with it. Words hold only letters and digits
 * (words.ts), so they cannot carry tsquery syntax.
 */
function tsqueryText(words: string[], info: TWordInfo[], op: "&" | "|"): string {
  return words
    .map((w, i) => {
      const prefix = i === words.length - 1 && !info[i]?.exact;
      return `(${[prefix ? `${w}:*` : w, ...(info[i]?.corrections ?? [])].join(" | ")})`;
    })
    .join(` ${op} `);
}

/** A result's columns, with its file texts: only ever selected for the rows of one page. */
const HIT_COLUMNS = `d."snippetId" AS id, d.owner, d."ownerName", d.slug, d.title, d.blurb, d.tags, d."updatedAt", d.paths, d.texts`;

async function search(query: TEngineQuery): Promise<TEngineResult> {
  // Filters on `d`, their parameters numbered after $1 limit and $2 offset; the tsquery comes last.
  const filters: unknown[] = [];
  const where: string[] = [];
  if (query.tags.length > 0) {
    filters.push(query.tags);
    where.push(`d."tagPaths" @> $${filters.length + 2}::text[]`);
  }
  if (query.owner !== undefined) {
    filters.push(query.owner);
    where.push(`d.owner = $${filters.length + 2}::text`);
  }
  let rows: TRow[];
  let matched: string[] = [];
  let corrections: TEngineResult["corrections"] = [];
  if (query.words.length === 0) {
    rows = await getDb().$queryRawUnsafe<TRow[]>(
      `SELECT ${HIT_COLUMNS} FROM "SearchDoc" d WHERE ${where.join(" AND ") || "true"}
       ORDER BY d."updatedAt" DESC, d."snippetId" LIMIT $1 OFFSET $2`,
      query.limit + 1,
      query.offset,
      ...filters,
    );
  } else {
    const info = await lookUpWords(query.words);
    matched = [...query.words, ...info.flatMap((i) => i.corrections)];
    corrections = query.words.flatMap((word, i) => (info[i]?.corrections.length ? [{ word, to: info[i].corrections }] : []));
    const filter = where.map((w) => ` AND ${w}`).join("");
    const run = (op: "&" | "|", offset: number, limit: number): Promise<TRow[]> => {
      const text = tsqueryText(query.words, info, op);
      if (query.sort === "recent") {
        // Newest first: for a common word, walking the updatedAt index finds a page at once.
        return getDb().$queryRawUnsafe<TRow[]>(
          `SELECT ${HIT_COLUMNS} FROM "SearchDoc" d WHERE d.content @@ to_tsquery('${CONFIG}', $${filters.length + 3})${filter}
           ORDER BY d."updatedAt" DESC, d."snippetId" LIMIT $1 OFFSET $2`,
          limit,
          offset,
          ...filters,
          text,
        );
      }
      // $1 limit, $2 offset, $3 tags, $4 owner: the function takes both filters always (empty, null: none).
      return getDb().$queryRawUnsafe<TRow[]>(
        `SELECT ${HIT_COLUMNS} FROM cellar_search_ranked(to_tsquery('${CONFIG}', $5), $3::text[], $4::text, $1::int, $2::int, ${TIER_CANDIDATES}) m
         JOIN "SearchDoc" d ON d."snippetId" = m.id
         ORDER BY m.tier, m.rank DESC, m."updatedAt" DESC, m.id`,
        limit,
        offset,
        query.tags,
        query.owner ?? null,
        text,
      );
    };
    rows = await run("&", query.offset, query.limit + 1);
    // No snippet has every word: show those with some of them (the most first) rather than nothing,
    // on every page of them; past page 1, an empty page may instead be past the last full match.
    if (rows.length === 0 && query.words.length > 1 && (query.offset === 0 || (await run("&", 0, 1)).length === 0)) {
      rows = await run("|", query.offset, query.limit + 1);
    }
  }
  const hits = rows.map(({ paths, texts, ...r }) => ({
    ...r,
    updatedAt: new Date(r.updatedAt),
    files: paths.map((path, i) => ({ path, text: texts[i] ?? "" })),
  }));
  return { hits, matched, corrections };
}

async function suggestTitles(words: string[], limit: number): Promise<TTitleSuggestion[]> {
  if (words.length === 0) return [];
  const info = await lookUpWords(words);
  return getDb().$queryRawUnsafe<TTitleSuggestion[]>(
    `SELECT owner, slug, title FROM cellar_suggest_titles(to_tsquery('${CONFIG}', $1), $2::int, ${SUGGEST_CANDIDATES})`,
    tsqueryText(words, info, "&"),
    limit,
  );
}
