import "server-only";
import { Meilisearch, type Index } from "meilisearch";
import { tagPathsOf } from "./tag-paths";
import type { TMeiliEnv } from "@/lib/env";
import type { TEngineQuery, TEngineResult, TSearchDoc, TSearchEngine, TTitleSuggestion } from "./types";

/*
 * The Meilisearch engine (when MEILI_URL is set). Meilisearch brings its own typo tolerance,
 * prefix search and ranking; this file maps Cellar's documents and queries onto one index.
 * Every write waits for Meilisearch to finish its task, so a snippet is findable as soon as
 * the request that changed it returns, as with the Postgres engine.
 */

type TMeiliDoc = Omit<TSearchDoc, "files" | "updatedAt"> & {
  tagPaths: string[];
  paths: string[];
  texts: string[];
  /** Milliseconds since the epoch (sortable). */
  updatedAt: number;
};

const MAX_DOC_TEXT = 256 * 1024;
const BATCH = 500;
/** Per write task; a rebuild's batches may take longer on a busy server. */
const WAIT = { timeout: 60_000, interval: 50 };

export function createMeiliEngine(settings: TMeiliEnv): TSearchEngine {
  const client = new Meilisearch({ host: settings.url, ...(settings.key ? { apiKey: settings.key } : {}) });
  const index: Index<TMeiliDoc> = client.index<TMeiliDoc>(settings.index);
  let ready: Promise<void> | undefined;

  /** Creates the index and applies its settings once per process (idempotent on the server). */
  const ensureIndex = () => {
    ready ??= (async () => {
      await index
        .updateSettings({
          // Order = importance for Meilisearch's "attribute" ranking rule.
          searchableAttributes: ["title", "tags", "owner", "ownerName", "paths", "blurb", "texts"],
          filterableAttributes: ["tagPaths", "owner"],
          sortableAttributes: ["updatedAt"],
          displayedAttributes: ["*"],
        })
        .waitTask(WAIT);
    })().catch((e: unknown) => {
      ready = undefined;
      throw e;
    });
    return ready;
  };

  const upsert = async (docs: TSearchDoc[]) => {
    await ensureIndex();
    for (let i = 0; i < docs.length; i += BATCH) {
      await index.addDocuments(docs.slice(i, i + BATCH).map(toMeiliDoc), { primaryKey: "id" }).waitTask(WAIT);
    }
  };

  return {
    name: "meilisearch",
    upsert,
    async remove(ids) {
      if (ids.length === 0) return;
      await ensureIndex();
      await index.deleteDocuments(ids).waitTask(WAIT);
    },
    async rebuild(load) {
      await ensureIndex();
      await index.deleteAllDocuments().waitTask(WAIT);
      await load(upsert);
    },
    async search(query: TEngineQuery): Promise<TEngineResult> {
      await ensureIndex();
      const filters = [
        ...query.tags.map((t) => `tagPaths = ${JSON.stringify(t)}`),
        ...(query.owner !== undefined ? [`owner = ${JSON.stringify(query.owner)}`] : []),
      ];
      const response = await index.search(query.words.join(" "), {
        filter: filters.join(" AND ") || undefined,
        sort: query.sort === "recent" || query.words.length === 0 ? ["updatedAt:desc"] : undefined,
        offset: query.offset,
        limit: query.limit + 1,
        showMatchesPosition: true,
      });
      const matched = new Set<string>();
      const hits = response.hits.map((h) => {
        for (const [attribute, positions] of Object.entries(h._matchesPosition ?? {})) {
          const value = (h as Record<string, unknown>)[attribute];
          for (const p of positions ?? []) {
            const text = Array.isArray(value) ? value[p.indices?.[0] ?? 0] : value;
            if (typeof text === "string") matched.add(text.slice(p.start, p.start + p.length).toLowerCase());
          }
        }
        return {
          id: h.id,
          owner: h.owner,
          ownerName: h.ownerName,
          slug: h.slug,
          title: h.title,
          blurb: h.blurb,
          tags: h.tags,
          updatedAt: new Date(h.updatedAt),
          files: h.paths.map((path, i) => ({ path, text: h.texts[i] ?? "" })),
        };
      });
      return { hits, matched: [...query.words, ...[...matched].filter((w) => /^[\p{L}\p{N}]+$/u.test(w))], corrections: [] };
    },
    async suggestTitles(words, limit): Promise<TTitleSuggestion[]> {
      await ensureIndex();
      const response = await index.search(words.join(" "), {
        attributesToSearchOn: ["title"],
        attributesToRetrieve: ["owner", "slug", "title"],
        limit,
      });
      return response.hits.map((h) => ({ owner: h.owner, slug: h.slug, title: h.title }));
    },
  };
}

function toMeiliDoc(d: TSearchDoc): TMeiliDoc {
  let budget = MAX_DOC_TEXT;
  const texts = d.files.map((f) => {
    const text = f.text.slice(0, Math.max(0, budget));
    budget -= text.length;
    return text;
  });
  const { files, updatedAt, ...fields } = d;
  return {
    ...fields,
    tagPaths: tagPathsOf(d.tags),
    paths: files.map((f) => f.path),
    texts,
    updatedAt: updatedAt.getTime(),
  };
}
