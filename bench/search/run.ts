/**
 * Search benchmark: builds the index of 100,000 generated snippets (generate.ts: Python and
 * Markdown around ~30 teaching topics with a Zipf-distributed vocabulary of made-up words, a
 * few thousand authors, hierarchical tags) on a fresh database, then times queries (words,
 * typos, prefixes, tag filters; with the matching line found, as the page shows it) and
 * search-box suggestions, and measures how often a mistyped rare word still finds its snippet.
 * Prints figures; asserts nothing.
 *
 *   npx tsx --conditions=react-server bench/search/run.ts
 *
 * Settings (environment):
 *   BENCH_DB         pg (default: a fresh cellar_bench_search_* database on the local Postgres,
 *                    dropped afterwards) or pglite (a temporary directory).
 *   BENCH_SNIPPETS   library size (100000).
 *   BENCH_QUERIES    timed queries and suggestions each (1000).
 *   BENCH_TYPOS      mistyped words looked up (300).
 *   BENCH_KEEP_DB    1 keeps the Postgres database afterwards (its URL is printed), to study plans.
 *   BENCH_REUSE_DB   the URL of a kept database: times the queries again without building
 *                    (BENCH_SNIPPETS must be the size it was built with).
 *   MEILI_URL        when set, the Meilisearch engine is measured instead (rows still go to the
 *                    fresh database, which the documents' ids refer to).
 *
 * The index build time is the engine's work for all documents (vectors, vocabulary, GIN
 * indexes, then ANALYZE); reading 100,000 git repositories is not part of it (`bin/cellar
 * reindex` adds that).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { TSearchDoc, TSearchEngine } from "@/lib/search/types";
import { QUERIES, TYPED, makeAuthors, makeSnippet, makeTypos, type TBenchAuthor } from "./generate";
import { createFreshDatabase, dropDatabase, type TFreshDatabase } from "../../test/e2e/support/fresh-database";

const SNIPPETS = Number(process.env.BENCH_SNIPPETS ?? 100_000);
const TIMED = Number(process.env.BENCH_QUERIES ?? 1000);
/** Mistyped words looked up to measure typo correction at the library's scale. */
const TYPOS = Number(process.env.BENCH_TYPOS ?? 300);
const AUTHORS = 3000;
const CHUNK = 5000;

async function main(): Promise<void> {
  const engineKind = process.env.BENCH_DB ?? "pg";
  const tmp = mkdtempSync(path.join(tmpdir(), "cellar-bench-search-"));
  process.env.DATA_DIR = path.join(tmp, "data");
  process.env.REPOS_DIR = path.join(tmp, "repos");
  process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
  let fresh: TFreshDatabase | undefined;
  // A database a run kept (BENCH_KEEP_DB): times the queries again without rebuilding.
  const reuse = process.env.BENCH_REUSE_DB;
  if (reuse) {
    process.env.DATABASE_URL = reuse;
  } else if (engineKind === "pg") {
    fresh = await createFreshDatabase("cellar_bench_search");
    process.env.DATABASE_URL = fresh.url;
  } else {
    delete process.env.DATABASE_URL;
    process.env.PGLITE_DIR = path.join(tmp, "pglite");
  }
  // Imported after the environment is set: lib/env reads it once.
  const { closeDb, getDb } = await import("@/lib/db/client");
  try {
    const { applyMigrations } = await import("@/lib/db/migrate");
    const { getSearchEngine } = await import("@/lib/search/get-search-engine");
    const { searchSnippets } = await import("@/lib/search/search-snippets");
    const { suggestSearch } = await import("@/lib/search/suggest-search");
    const { queryWords } = await import("@/lib/search/words");
    await applyMigrations();
    const db = getDb();
    const engine = getSearchEngine();
    console.log(`search bench: ${SNIPPETS.toLocaleString("en")} snippets, engine ${engine.name}, database ${reuse ? "reused" : engineKind}`);
    const authors = makeAuthors(AUTHORS);
    if (!reuse) await buildIndex(db, engine, authors);

    // Warm caches the way a running site has them, then time.
    for (const q of QUERIES) await searchSnippets(q);
    for (const t of TYPED) await suggestSearch({ q: t });

    // The floor under every figure below: one round trip through Prisma, on this machine now.
    const floor: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await db.$queryRawUnsafe("SELECT 1");
      floor.push(performance.now() - t);
    }
    console.log(
      `database round trip (SELECT 1 through Prisma): p50 ${pct(floor, 50)}, p95 ${pct(floor, 95)}; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} on ${cpus().length} cores`,
    );

    const queryTimes: number[] = [];
    const perQuery = new Map<string, number[]>();
    let found = 0;
    for (let i = 0; i < TIMED; i++) {
      const q = QUERIES[i % QUERIES.length]!;
      const t = performance.now();
      const page = await searchSnippets(q);
      const ms = performance.now() - t;
      queryTimes.push(ms);
      const key = `${q.q}${q.tags ? ` tag:${q.tags.join(",")}` : ""}${q.sort ? ` sort:${q.sort}` : ""}`;
      perQuery.set(key, [...(perQuery.get(key) ?? []), ms]);
      if (page.items.length > 0) found++;
    }
    const suggestTimes: number[] = [];
    for (let i = 0; i < TIMED; i++) {
      const t = performance.now();
      await suggestSearch({ q: TYPED[i % TYPED.length]! });
      suggestTimes.push(performance.now() - t);
    }
    console.log(
      `query: p50 ${pct(queryTimes, 50)}, p95 ${pct(queryTimes, 95)}, max ${pct(queryTimes, 100)} over ${TIMED} queries (target p95 ≤ 25 ms); ${found} of ${TIMED} found something`,
    );
    console.log(`suggestions: p50 ${pct(suggestTimes, 50)}, p95 ${pct(suggestTimes, 95)}, max ${pct(suggestTimes, 100)} over ${TIMED} (target p95 ≤ 10 ms)`);
    const slowest = [...perQuery.entries()]
      .map(([q, t]) => [q, median(t)] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5);
    console.log(`slowest queries (median): ${slowest.map(([q, t]) => `"${q}" ${t.toFixed(1)} ms`).join(", ")}`);

    // Typo correction at scale: a snippet's rarest word, mistyped once, should still find it.
    let typos = makeTypos(TYPOS, SNIPPETS, authors);
    if (engine.name === "postgres") {
      // A typo that happens to be another indexed word (a compound identifier, say) is not a typo.
      const known = await db.$queryRawUnsafe<{ word: string }[]>(
        `SELECT word FROM "SearchWord" WHERE word = ANY($1::text[])`,
        typos.map((t) => t.typo),
      );
      const skip = new Set(known.map((k) => k.word));
      typos = typos.filter((t) => !skip.has(t.typo));
    }
    const typoTimes: number[] = [];
    let corrected = 0;
    let typoFound = 0;
    for (const t of typos) {
      const started = performance.now();
      const result = await engine.search({ words: queryWords(t.typo), tags: [], sort: "relevance", offset: 0, limit: 20 });
      typoTimes.push(performance.now() - started);
      if (result.matched.includes(t.word)) corrected++;
      if (result.hits.some((h) => h.id === `s${t.snippet}`)) typoFound++;
    }
    console.log(
      `typo correction: ${typos.length} one-letter typos of each snippet's rarest word; the word among the corrections ${corrected} (${pctOf(corrected, typos.length)}), ` +
        `the snippet on the first page ${typoFound} (${pctOf(typoFound, typos.length)}); query p50 ${pct(typoTimes, 50)}, p95 ${pct(typoTimes, 95)}`,
    );
  } finally {
    await closeDb();
    if (fresh && process.env.BENCH_KEEP_DB === "1") console.log(`kept the database: ${fresh.url}`);
    else if (fresh) await dropDatabase(fresh.name);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Builds the index of the generated library on the fresh database: the rows the documents
 * refer to (timed apart) and the engine's rebuild. Prints the build time and the index size.
 */
async function buildIndex(db: PrismaClient, engine: TSearchEngine, authors: TBenchAuthor[]): Promise<void> {
  // Rows the documents belong to (the index refers to snippets), written in bulk.
  await db.$executeRawUnsafe(
    `INSERT INTO "User" (id, username, "displayName") SELECT 'u' || username, username, "displayName"
     FROM jsonb_to_recordset($1::jsonb) AS x(username text, "displayName" text)`,
    JSON.stringify(authors),
  );
  const tagIds = new Map<string, string>();
  let rowsSeconds = 0;
  let textBytes = 0;
  const started = performance.now();
  // The rows (which the documents refer to) are written inside the load, but timed apart.
  await engine.rebuild(async (add) => {
    for (let start = 0; start < SNIPPETS; start += CHUNK) {
      const docs = Array.from({ length: Math.min(CHUNK, SNIPPETS - start) }, (_, k) => ({ id: `s${start + k}`, ...makeSnippet(start + k, authors) }));
      const t0 = performance.now();
      await insertRows(db, docs, tagIds);
      rowsSeconds += (performance.now() - t0) / 1000;
      await add(docs);
      for (const d of docs) for (const f of d.files) textBytes += f.text.length;
      process.stderr.write(`\r  ${(start + docs.length).toLocaleString("en")} added`);
    }
    process.stderr.write("\n");
  });
  const indexSeconds = (performance.now() - started) / 1000 - rowsSeconds;
  console.log(
    `index build: ${indexSeconds.toFixed(1)} s for ${SNIPPETS.toLocaleString("en")} snippets (${((SNIPPETS / indexSeconds) | 0).toLocaleString("en")}/s, ` +
      `${(textBytes / 1e6).toFixed(0)} MB of file text; documents, vocabulary, indexes and ANALYZE), not counting ${rowsSeconds.toFixed(1)} s writing the snippet rows`,
  );
  if (engine.name === "postgres") {
    const [size] = await db.$queryRawUnsafe<{ table: string; words: bigint; vocabulary: string }[]>(
      `SELECT pg_size_pretty(pg_total_relation_size('"SearchDoc"')) AS table, (SELECT count(*) FROM "SearchWord") AS words,
              pg_size_pretty(pg_total_relation_size('"SearchWord"')) AS vocabulary`,
    );
    console.log(
      `index size: ${size?.table} (table, TOAST and indexes), vocabulary ${Number(size?.words).toLocaleString("en")} words in ${size?.vocabulary} (with its trigram and deletion indexes)`,
    );
  }
}

/** Users' snippets, tags and taggings for a batch of generated documents, in bulk. */
async function insertRows(db: PrismaClient, docs: TSearchDoc[], tagIds: Map<string, string>): Promise<void> {
  const rows = docs.map((d) => ({ id: d.id, owner: d.owner, slug: d.slug, title: d.title, description: d.blurb, updatedAt: d.updatedAt.toISOString() }));
  await db.$executeRawUnsafe(
    `INSERT INTO "Snippet" (id, "ownerId", slug, title, description, "repoPath", head, "updatedAt", "createdAt")
     SELECT x.id, u.id, x.slug, x.title, x.description, 'bench/' || x.id, repeat('0', 40), x."updatedAt", x."updatedAt"
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, owner text, slug text, title text, description text, "updatedAt" timestamp(3))
     JOIN "User" u ON u.username = x.owner`,
    JSON.stringify(rows),
  );
  const links: { snippetId: string; tagId: string }[] = [];
  const newTags: { id: string; name: string }[] = [];
  for (const d of docs) {
    for (const name of d.tags) {
      let id = tagIds.get(name);
      if (!id) {
        id = `t${tagIds.size}`;
        tagIds.set(name, id);
        newTags.push({ id, name });
      }
      links.push({ snippetId: d.id, tagId: id });
    }
  }
  await db.$executeRawUnsafe(
    `INSERT INTO "Tag" (id, name) SELECT id, name FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text)`,
    JSON.stringify(newTags),
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "SnippetTag" ("snippetId", "tagId") SELECT "snippetId", "tagId" FROM jsonb_to_recordset($1::jsonb) AS x("snippetId" text, "tagId" text)`,
    JSON.stringify(links),
  );
}

function pctOf(n: number, of: number): string {
  return `${of === 0 ? 0 : Math.round((100 * n) / of)}%`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function pct(xs: number[], p: number): string {
  const s = [...xs].sort((a, b) => a - b);
  const v = s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
  return `${v.toFixed(1)} ms`;
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
