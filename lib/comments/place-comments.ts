import "server-only";
import { isBinary, listRevisions, readFile } from "@/lib/repos";
import { BoundedMap } from "@/lib/repos/cache";
import { splitLines } from "@/lib/render/highlight";
import { lineFollower, type TLineFollower } from "./follow-line";
import type { TCommentPlacement } from "./internal";

const decoder = new TextDecoder("utf-8");

type TPlaceable = { rev: string; path: string | null; line: number | null; lineText: string | null };

/*
 * Both are named by content, so they never go stale and outlive the request: the snippet page
 * asks twice (line comments, snippet comments) and line comments a page at a time, and each
 * would otherwise walk the whole history and diff the same files again.
 */
/** The commits before a commit (its history), by commit oid. */
const historyCache = new BoundedMap<string, Promise<Set<string>>>(200);
/** How lines of one blob are found in another, by the two blob oids (few: each holds a file's lines). */
const followerCache = new BoundedMap<string, TLineFollower>(32);

function olderThan(dir: string, viewed: string): Promise<Set<string>> {
  let older = historyCache.get(viewed);
  if (!older) {
    older = listRevisions({ dir, rev: viewed }).then((revisions) => new Set(revisions.map((r) => r.oid)));
    older.catch(() => historyCache.delete(viewed));
    historyCache.set(viewed, older);
  }
  return older;
}

function followerBetween(then: { oid: string; lines: string[] } | null, now: { oid: string; lines: string[] }): TLineFollower {
  if (then?.oid === now.oid) return (line) => line;
  if (!then) return lineFollower([], now.lines);
  const key = `${then.oid}\0${now.oid}`;
  let follower = followerCache.get(key);
  if (!follower) {
    follower = lineFollower(then.lines, now.lines);
    followerCache.set(key, follower);
  }
  return follower;
}

/**
 * Where each comment shows on revision `viewed` of the repository `dir`: whether it was written
 * on this revision, an older or a newer one, and for a line comment the line it is on now
 * (followed through the edits by its text, see lineFollower), or null when that line is gone.
 * Each file is read once per revision and each pair of versions diffed once, whatever the number
 * of comments on it.
 */
export async function placeComments<T extends TPlaceable>(dir: string, viewed: string, comments: T[]): Promise<TCommentPlacement[]> {
  const needsHistory = comments.some((c) => c.rev !== viewed);
  const older = needsHistory ? await olderThan(dir, viewed) : new Set<string>();
  const files = new Map<string, Promise<{ oid: string; lines: string[] } | null>>();
  const linesOf = (rev: string, path: string) => {
    const key = `${rev}\0${path}`;
    let file = files.get(key);
    if (!file) {
      file = readFile({ dir, rev, path }).then(
        ({ oid, content }) => (isBinary(content) ? null : { oid, lines: splitLines(decoder.decode(content)) }),
        () => null, // Not in that revision (removed or renamed since).
      );
      files.set(key, file);
    }
    return file;
  };
  const followerOf = async (rev: string, path: string) => {
    const [then, now] = await Promise.all([linesOf(rev, path), linesOf(viewed, path)]);
    return now ? followerBetween(then, now) : null;
  };
  return Promise.all(
    comments.map(async (c): Promise<TCommentPlacement> => {
      const revision = c.rev === viewed ? "this" : older.has(c.rev) ? "older" : "newer";
      if (c.path === null || c.line === null) return { revision, currentLine: null };
      if (revision === "this") return { revision, currentLine: c.line };
      const follow = await followerOf(c.rev, c.path);
      return { revision, currentLine: follow ? follow(c.line, c.lineText ?? "") : null };
    }),
  );
}
