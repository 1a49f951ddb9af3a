import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { TActor } from "@/lib/snippets/schema";

/**
 * Whose shared values a run sees, and whether it may write them (docs/exec.md, "Shared values"):
 * - the scope is the snippet the session runs (every run of it, any revision, sees the same values);
 * - a fork reads its own values and, for keys it does not have, those of the snippet it was forked
 *   from (`forkOf`, one level: the direct source, not the source's source), read-only; it writes
 *   and deletes only its own, and a value it writes hides the source's under the same key;
 * - signed-in readers (the owner or anyone else) may write; a reader who is not signed in may
 *   only when the owner allowed it (Snippet.sharedAnonymousWrites).
 */
export type TSharedScope = {
  snippetId: string;
  /** The snippet this one was forked from, whose values it may read; null for a snippet that is no fork (or whose source was deleted). */
  forkOf: string | null;
  /** User id of the reader running the code; null for an anonymous reader. */
  actor: string | null;
  canWrite: boolean;
};

/** The scope of a session of `snippetId` run by `actor`; 404 when the snippet does not exist. */
export async function resolveSharedScope(options: { snippetId: string; actor: TActor | null }): Promise<TSharedScope> {
  const row = await getDb().snippet.findUnique({
    where: { id: options.snippetId },
    select: { id: true, forkedFromId: true, sharedAnonymousWrites: true },
  });
  if (!row) throw new AppError("NOT_FOUND", "This snippet no longer exists.");
  const actor = options.actor?.id ?? null;
  return { snippetId: row.id, forkOf: row.forkedFromId, actor, canWrite: actor !== null || row.sharedAnonymousWrites };
}
