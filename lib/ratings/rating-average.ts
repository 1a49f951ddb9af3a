/**
 * The average shown to readers, to one decimal; null before the first rating. (Lists sort "top
 * rated" by a Bayesian average of the same counters instead: lib/snippets/list-snippets.ts.)
 */
export function averageOf(sum: number, count: number): number | null {
  return count > 0 ? Math.round((sum / count) * 10) / 10 : null;
}
