/**
 * How text becomes words, the same way for indexing, querying and highlighting. Code is full of
 * punctuation (`np.linspace`, `odeint_solver`), which Postgres' parser would keep inside one
 * token ("np.linspace" as a host name), so everything that is not a letter or digit separates
 * words: `linspace` then finds `np.linspace(0, 1)`.
 */

/** Longest query the search reads; the rest is ignored. */
export const MAX_QUERY_WORDS = 8;
const MAX_WORD_LENGTH = 40;

const SEPARATORS = /[^\p{L}\p{N}]+/gu;

/** Text with every run of non-word characters replaced by one space (input for to_tsvector). */
export function toIndexText(text: string): string {
  return text.replace(SEPARATORS, " ");
}

/** The query's words, lower-case, in order, without repeats; at most MAX_QUERY_WORDS. */
export function queryWords(q: string): string[] {
  const words = q
    .toLowerCase()
    .split(SEPARATORS)
    .filter((w) => w.length > 0)
    .map((w) => w.slice(0, MAX_WORD_LENGTH));
  return [...new Set(words)].slice(0, MAX_QUERY_WORDS);
}

/**
 * Distinct lower-case words of `text` worth correcting a typo towards: 3 to 32 characters with
 * at least one letter (numbers and hex ids would only crowd the vocabulary).
 */
export function vocabularyOf(texts: string[], into: Set<string> = new Set()): Set<string> {
  for (const text of texts) {
    for (const w of text.toLowerCase().split(SEPARATORS)) {
      if (w.length >= 3 && w.length <= 32 && /\p{L}/u.test(w)) into.add(w);
    }
  }
  return into;
}

/**
 * Whether a word of the text counts as a hit for a query word, for highlighting. The index
 * stems English ("derivatives" finds "derivative"), so a shared stem-like start counts as well
 * as a completion of the last, still-typed word.
 */
export function wordHits(textWord: string, queryWord: string, prefix: boolean): boolean {
  if (textWord === queryWord) return true;
  if (prefix && textWord.startsWith(queryWord)) return true;
  let common = 0;
  const n = Math.min(textWord.length, queryWord.length);
  while (common < n && textWord[common] === queryWord[common]) common++;
  return common >= Math.max(4, n - 3);
}

const utf8 = new TextEncoder();

/** FNV-1a, 32 bits, of the text's UTF-8 bytes, as a signed integer (Postgres int4): cellar_fnv1a in SQL. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of utf8.encode(text)) h = Math.imul(h ^ byte, 0x01000193);
  return h | 0;
}

/**
 * The word's deletion neighbourhood as the index keeps it (SearchWord.deletes, migration
 * 20261122070000): hashes of the word and of each one-letter deletion, without repeats,
 * ascending. Two words one edit apart (a letter dropped, added, replaced, or two neighbours
 * swapped) always share one of these; words two edits apart sometimes do.
 */
export function wordDeletes(word: string): number[] {
  const letters = [...word];
  const hashes = new Set([fnv1a(word)]);
  for (let i = 0; i < letters.length; i++) hashes.add(fnv1a(letters.slice(0, i).join("") + letters.slice(i + 1).join("")));
  return [...hashes].sort((a, b) => a - b);
}
