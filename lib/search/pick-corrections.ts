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
 * The vocabulary words a mistyped `word` most likely stands for, from `candidates` (the most
 * similar by trigrams, best first). Trigram similarity alone favours words that contain the
 * typo's pieces ("fourrier" is as close to "fourtrier" as to "fourier", and a long word is close
 * to every compound made of it), and OR-ing all of them into the query buries the intended
 * word's snippets under the others'. So the candidates at the smallest edit distance are kept
 * (a letter dropped, added, replaced, or two swapped count one edit), best trigram match first,
 * if that distance is within what the word's length forgives; when no candidate is, the word is
 * mangled beyond a typo and the most similar candidates are kept as they are.
 */
export function pickCorrections(word: string, candidates: { word: string; similarity: number }[]): string[] {
  if (candidates.length === 0) return [];
  const scored = candidates.map((c) => ({ ...c, distance: damerauLevenshtein(word, c.word).steps }));
  const best = Math.min(...scored.map((c) => c.distance));
  const kept = best <= allowedTypos(word.length) ? scored.filter((c) => c.distance === best) : scored;
  return kept
    .sort((a, b) => b.similarity - a.similarity || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0))
    .slice(0, MAX_CORRECTIONS)
    .map((c) => c.word);
}
