import { wordHits } from "./words";
import type { TMatchLine, TSegment } from "./types";

/** Longest line shown; a longer one is cut around its first hit. */
const MAX_LINE_CHARS = 160;

const WORD = /[\p{L}\p{N}]+/gu;

type TCandidate = { path: string | null; line: number; text: string };

/**
 * The line that best shows why a result matched: the one with the most different query words
 * (ties: the earliest), in the files first, then the blurb. `words` are the words to look for,
 * with `prefixWords` also matching as the start of a longer word (the last word as typed).
 * Returns segments, never HTML: whoever shows them escapes the text.
 */
export function findMatchLine(options: { blurb: string; files: { path: string; text: string }[]; words: string[]; prefixWords: string[] }): TMatchLine | null {
  const lowerWords = [...new Set(options.words.map((w) => w.toLowerCase()))];
  const prefixes = new Set(options.prefixWords.map((w) => w.toLowerCase()));
  if (lowerWords.length === 0) return null;
  const hits = (token: string) => lowerWords.some((w) => wordHits(token, w, prefixes.has(w)));

  const best = bestLine(linesOf(options.files), lowerWords, prefixes) ?? bestLine(blurbLines(options.blurb), lowerWords, prefixes);
  if (!best) return null;
  return { path: best.path, line: best.line, segments: segmentsOf(best.text, hits) };
}

function* linesOf(files: { path: string; text: string }[]): Generator<TCandidate> {
  for (const f of files) {
    let line = 0;
    for (const text of f.text.split("\n")) {
      line++;
      yield { path: f.path, line, text: text.replace(/\r$/, "") };
    }
  }
}

function* blurbLines(blurb: string): Generator<TCandidate> {
  let line = 0;
  for (const text of blurb.split("\n")) yield { path: null, line: ++line, text };
}

function bestLine(candidates: Iterable<TCandidate>, words: string[], prefixes: Set<string>): TCandidate | null {
  let best: TCandidate | null = null;
  let bestScore = 0;
  for (const c of candidates) {
    if (c.text.length === 0) continue;
    const found = new Set<string>();
    for (const m of c.text.toLowerCase().matchAll(WORD)) {
      for (const w of words) if (!found.has(w) && wordHits(m[0], w, prefixes.has(w))) found.add(w);
    }
    if (found.size > bestScore) {
      best = c;
      bestScore = found.size;
      if (bestScore === words.length) break;
    }
  }
  return best;
}

/** Splits a line into plain and marked runs, cut to MAX_LINE_CHARS around the first hit. */
function segmentsOf(raw: string, hits: (token: string) => boolean): TSegment[] {
  const marks: [number, number][] = [];
  for (const m of raw.matchAll(WORD)) {
    if (hits(m[0].toLowerCase())) marks.push([m.index, m.index + m[0].length]);
  }
  let start = 0;
  let end = raw.length;
  if (raw.length > MAX_LINE_CHARS) {
    const first = marks[0]?.[0] ?? 0;
    start = Math.max(0, Math.min(first - 40, raw.length - MAX_LINE_CHARS));
    end = start + MAX_LINE_CHARS;
  }
  const segments: TSegment[] = [];
  const push = (text: string, mark: boolean) => {
    if (text.length > 0) segments.push({ text, mark });
  };
  let at = start;
  if (start > 0) push("…", false);
  for (const [a, b] of marks) {
    if (b <= start || a >= end) continue;
    push(raw.slice(at, Math.max(at, a)), false);
    push(raw.slice(Math.max(at, a), Math.min(b, end)), true);
    at = Math.min(b, end);
  }
  push(raw.slice(at, end), false);
  if (end < raw.length) push("…", false);
  // Leading indentation says nothing in a one-line excerpt.
  const firstSeg = segments[0];
  if (firstSeg && !firstSeg.mark) firstSeg.text = firstSeg.text.replace(/^\s+/, "");
  return segments.filter((s) => s.text.length > 0);
}
