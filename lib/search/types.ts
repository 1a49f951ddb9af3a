/**
 * The search index's one interface. Two engines implement it (postgres-engine.ts, the default,
 * and meili-engine.ts when MEILI_URL is set); everything else in the app talks to it through
 * `getSearchEngine()` and the operations beside it, never to an engine directly.
 */

/** What the index holds about one public snippet. Built from the row and the files at its head. */
export type TSearchDoc = {
  id: string;
  owner: string;
  /** The owner's display name (or username), so the author is searchable by either. */
  ownerName: string;
  slug: string;
  title: string;
  blurb: string;
  tags: string[];
  /** Text files as UTF-8 (capped); binary files with empty text, still findable by name. */
  files: { path: string; text: string }[];
  updatedAt: Date;
};

export const SEARCH_SORTS = ["relevance", "recent"] as const;
export type TSearchSort = (typeof SEARCH_SORTS)[number];

/** A parsed query: the words of `q` (see words.ts), tag filters (all must hold), an author, order, page. */
export type TEngineQuery = {
  words: string[];
  /** Each tag filter matches the tag and its descendants. */
  tags: string[];
  /** Only this user's snippets (a `user:` qualifier; usernames are lower-case). */
  owner?: string;
  sort: TSearchSort;
  /** 0-based offset and page size; the engine returns up to `limit + 1` hits to tell if more follow. */
  offset: number;
  limit: number;
};

/** One result as an engine returns it: the document it was given, to show the card and find the matching line. */
export type TEngineHit = TSearchDoc;

/** A query word the vocabulary does not hold, and the words it was read as. */
export type TCorrection = { word: string; to: string[] };

export type TEngineResult = {
  hits: TEngineHit[];
  /** Lower-case words the query matched in these hits (the query's words, their typo corrections, completions). */
  matched: string[];
  /** The query's mistyped words and what they were read as (the Postgres engine; Meilisearch does not tell). */
  corrections: TCorrection[];
};

export type TTitleSuggestion = { owner: string; slug: string; title: string };

export interface TSearchEngine {
  readonly name: "postgres" | "meilisearch";
  /** Adds or replaces documents (by id). */
  upsert(docs: TSearchDoc[]): Promise<void>;
  remove(ids: string[]): Promise<void>;
  /**
   * Replaces the whole index with what `load` adds (through `add`, in batches). Faster than
   * upserting one by one: the Postgres engine builds its indexes once at the end. Searches
   * meanwhile see only what was added so far.
   */
  rebuild(load: (add: (docs: TSearchDoc[]) => Promise<void>) => Promise<void>): Promise<void>;
  search(query: TEngineQuery): Promise<TEngineResult>;
  /** Snippet titles for the search box as the user types (`words`' last one is a prefix). */
  suggestTitles(words: string[], limit: number): Promise<TTitleSuggestion[]>;
}

/** A run of a matching line; `mark` runs are the words the query matched. */
export type TSegment = { text: string; mark: boolean };

/** The line of a result that matched, for display; null when only the title, tags or author matched. */
export type TMatchLine = { path: string | null; line: number; segments: TSegment[] };

export type TSearchResultItem = {
  id: string;
  owner: string;
  ownerName: string;
  slug: string;
  title: string;
  tags: string[];
  updatedAt: Date;
  url: string;
  match: TMatchLine | null;
};

export type TSearchPage = {
  items: TSearchResultItem[];
  page: number;
  hasNext: boolean;
  corrections: TCorrection[];
  /** The filters the qualifiers in `q` set (parse-query.ts), for the page to show and remove. */
  qualifiers: { owner: string | null; tags: string[] };
};

export type TSuggestions = {
  snippets: (TTitleSuggestion & { url: string })[];
  tags: { name: string }[];
};
