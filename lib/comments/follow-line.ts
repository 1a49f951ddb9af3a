import { diffArrays } from "diff";

/** Longest line text kept with a comment to find its line again (a minified line can be a megabyte). */
export const MAX_LINE_TEXT = 2000;

/** Time allowed to diff one file's two revisions when following a line; past it only the text is looked for. */
const DIFF_TIMEOUT_MS = 50;

/** What is kept of a line to recognise it later. */
export function lineKey(line: string): string {
  return line.slice(0, MAX_LINE_TEXT);
}

/** Finds lines of one version of a file in another: `follow(line, lineText)` → its line there, or null. */
export type TLineFollower = (line: number, lineText: string) => number | null;

/**
 * Follows lines of `oldLines` into `newLines`. The line diff between the two versions (made
 * once, for every comment on the file) says where a line went when it was kept unchanged (lines
 * inserted above push it down); when the diff says it was removed, or the diff took too long,
 * the same text is looked for instead, nearest to where the line was, so a line moved elsewhere
 * in the file is still found. A line whose text changed at all counts as gone: the comment was
 * about what it said.
 */
export function lineFollower(oldLines: readonly string[], newLines: readonly string[]): TLineFollower {
  // kept[i] = 1-based line in newLines of old line i+1 when the diff kept it unchanged, else 0.
  const kept = new Int32Array(oldLines.length);
  const changes = diffArrays(oldLines as string[], newLines as string[], { timeout: DIFF_TIMEOUT_MS });
  if (changes) {
    let oldIndex = 0;
    let newIndex = 0;
    for (const change of changes) {
      const count = change.count ?? change.value.length;
      if (!change.added && !change.removed) for (let k = 0; k < count; k++) kept[oldIndex + k] = newIndex + k + 1;
      if (!change.added) oldIndex += count;
      if (!change.removed) newIndex += count;
    }
  }
  return (line, lineText) => {
    const found = kept[line - 1] ?? 0;
    if (found > 0 && lineKey(newLines[found - 1] ?? "") === lineText) return found;
    return nearestWithText(newLines, lineText, line);
  };
}

function nearestWithText(lines: readonly string[], lineText: string, near: number): number | null {
  let best: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (lineKey(lines[i] ?? "") !== lineText) continue;
    const candidate = i + 1;
    if (best === null || Math.abs(candidate - near) < Math.abs(best - near)) best = candidate;
  }
  return best;
}
