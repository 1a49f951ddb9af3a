import "server-only";
import { isBinary, listRevisions, readFile } from "@/lib/repos";
import { splitLines } from "@/lib/render/highlight";
import { lineFollower, type TLineFollower } from "./follow-line";
import type { TCommentPlacement } from "./internal";

const decoder = new TextDecoder("utf-8");

type TPlaceable = { rev: string; path: string | null; line: number | null; lineText: string | null };

/**
 * Where each comment shows on revision `viewed` of the repository `dir`: whether it was written
 * on this revision, an older or a newer one, and for a line comment the line it is on now
 * (followed through the edits by its text, see lineFollower), or null when that line is gone.
 * Each file is read and diffed once per pair of revisions, whatever the number of comments on it.
 */
export async function placeComments<T extends TPlaceable>(dir: string, viewed: string, comments: T[]): Promise<TCommentPlacement[]> {
  const needsHistory = comments.some((c) => c.rev !== viewed);
  const older = needsHistory ? new Set((await listRevisions({ dir, rev: viewed })).map((r) => r.oid)) : new Set<string>();
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
  const followers = new Map<string, Promise<TLineFollower | null>>();
  const followerOf = (rev: string, path: string) => {
    const key = `${rev}\0${path}`;
    let follower = followers.get(key);
    if (!follower) {
      follower = Promise.all([linesOf(rev, path), linesOf(viewed, path)]).then(([then, now]) => {
        if (!now) return null;
        if (then?.oid === now.oid) return (line: number) => line;
        return lineFollower(then?.lines ?? [], now.lines);
      });
      followers.set(key, follower);
    }
    return follower;
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
