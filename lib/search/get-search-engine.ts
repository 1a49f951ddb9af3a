import "server-only";
import { getEnv } from "@/lib/env";
import { createMeiliEngine } from "./meili-engine";
import { createPostgresEngine } from "./postgres-engine";
import type { TSearchEngine } from "./types";

const globalForSearch = globalThis as typeof globalThis & { __cellarSearch?: TSearchEngine };

/** The process's search engine: Meilisearch when MEILI_URL is set, otherwise the database's own. */
export function getSearchEngine(): TSearchEngine {
  if (!globalForSearch.__cellarSearch) {
    const { meili } = getEnv();
    globalForSearch.__cellarSearch = meili ? createMeiliEngine(meili) : createPostgresEngine();
  }
  return globalForSearch.__cellarSearch;
}
