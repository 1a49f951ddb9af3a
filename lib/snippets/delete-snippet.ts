import "server-only";
import { getDb } from "@/lib/db/client";
import { deleteRepo } from "@/lib/repos";
import type { TActor } from "./schema";
import { findOwnSnippetOrThrow, repoDir } from "./internal";
import { revalidateSnippet } from "./revalidate";
import { revalidateNetwork } from "@/lib/activity/revalidate-network";
import { syncSearchIndex } from "@/lib/search/sync-search-index";
import { notifyTagCounts } from "@/lib/tags/cached-tag-counts";
import { refundStorage } from "@/lib/users/storage-quota";

/**
 * Deletes a snippet (owner only). The row goes first, so the snippet disappears at once;
 * forks stay and keep the name of what they came from. Then the repository is removed
 * (its objects live on in forks through their own hard links).
 */
export async function deleteSnippet(options: { actor: TActor | null; owner: string; slug: string }): Promise<void> {
  const row = await findOwnSnippetOrThrow(options.actor, options.owner, options.slug);
  const forks = await getDb().snippet.findMany({ where: { forkedFromId: row.id }, select: { slug: true, owner: { select: { username: true } } } });
  await getDb().$transaction(async (tx) => {
    const deleted = await tx.snippet.delete({ where: { id: row.id }, select: { ownerId: true, storageBytes: true } });
    await refundStorage(tx, { userId: deleted.ownerId, bytes: deleted.storageBytes });
    // Other processes' cached tag counts (this one's are forgotten by revalidateSnippet). Always:
    // the row read above may predate a concurrent edit that made it public or tagged.
    await notifyTagCounts(tx);
  });
  await syncSearchIndex({ snippetId: row.id });
  revalidateSnippet(row.owner.username, row.slug, { parent: row.forkedFrom ? `${row.forkedFrom.owner.username}/${row.forkedFrom.slug}` : null });
  // Their pages say where they came from; now it is "(deleted)".
  for (const f of forks) revalidateSnippet(f.owner.username, f.slug);
  // The rest of its fork network lists it in their trees and activity.
  await revalidateNetwork(row.networkId ?? row.id);
  try {
    await deleteRepo({ dir: repoDir(row.repoPath) });
  } catch (e) {
    // The snippet is gone for users; a leftover directory only costs disk. Say so in the log.
    console.error(`Snippet ${options.owner}/${options.slug} deleted, but its repository ${row.repoPath} could not be removed`, e);
  }
}
