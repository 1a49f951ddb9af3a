import damerauLevenshtein from "damerau-levenshtein";

/** Corrections kept per mistyped word. */
export const MAX_CORRECTIONS = 3;

/**
 * Edits forgiven in a word of this length, as readers expect from search engines (Meilisearch's
 * defaults): one from 5 letters, two from 9; a 4-letter word still gets one, as the vocabulary
 * lookup already skips shorter words.
 */
export function allowedTypos(length: number): number {
  return length >= 9 ? 2 : 1;
}

/**
 * The vocabulary words a mistyped `word` most likely stands for, from `candidates` (with their
 * trigram similarity to it): those at the smallest edit distance (a letter dropped, added,
 * replaced, or two neighbours swapped count one edit), most similar first, if that distance is
 * within what the word's length forgives; none otherwise, as the word is then more than a typo.
 * Trigram similarity alone would favour words that contain the typo's pieces ("…pendlumzz"
 * looks more like "…pendlum" than "…pendulum" does), and OR-ing all of them into the query
 * buries the intended word's snippets under the others'.
 */
export function pickCorrections(word: string, candidates: { word: string; similarity: number }[]): string[] {
  const scored = candidates.map((c) => ({ ...c, distance: damerauLevenshtein(word, c.word).steps }));
  const best = Math.min(...scored.map((c) => c.distance));
  if (best > allowedTypos(word.length)) return [];
  return scored
    .filter((c) => c.distance === best)
    .sort((a, b) => b.similarity - a.similarity || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0))
    .slice(0, MAX_CORRECTIONS)
    .map((c) => c.word);
}
