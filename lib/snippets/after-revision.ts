import "server-only";
import { getDb } from "@/lib/db/client";
import { packIfLoose } from "@/lib/repos";
import { chargeStorage, refundStorage } from "@/lib/users/storage-quota";
import { syncSearchIndex } from "@/lib/search/sync-search-index";
import { recordActivity } from "@/lib/activity/record-activity";
import { revalidateNetwork } from "@/lib/activity/revalidate-network";
import { thumbnailAtPublication } from "./capture-thumbnail";
import { revalidateSnippet } from "./revalidate";
import { repoDir, toBytes, type TSnippetRow } from "./internal";
import type { TFileInput } from "./schema";

/*
 * What follows a change to a snippet once git and the database hold it, shared by the web editor
 * (update-snippet.ts) and `git push` (serve-git.ts) so both leave the site in the same state.
 */

/** Charges (bytes > 0) or refunds (bytes < 0) a snippet's owner and the snippet together. */
export async function chargeSnippet(snippetId: string, userId: string, bytes: number): Promise<void> {
  if (bytes === 0) return;
  await getDb().$transaction(async (tx) => {
    if (bytes > 0) await chargeStorage(tx, { userId, bytes });
    else await refundStorage(tx, { userId, bytes: -bytes });
    await tx.snippet.update({ where: { id: snippetId }, data: { storageBytes: { increment: bytes } } });
  });
}

/** Packs a repository's loose objects once they pile up, in the background (keeps forks flat). */
export function packInBackground(row: Pick<TSnippetRow, "repoPath">): void {
  packIfLoose({ dir: repoDir(row.repoPath) }).catch((e: unknown) => console.error(`Packing ${row.repoPath} failed`, e));
}

/**
 * After the database row is saved: drop cached pages, update the search index, and for a new
 * revision start its thumbnail and record the activity; a change of title or visibility alone
 * refreshes the fork network's pages instead.
 */
export async function afterSnippetChange(options: {
  row: TSnippetRow;
  actorId: string;
  /** The new revision, when there is one: its head, files at that head, message and kernel choice. */
  revision: { head: string; files: TFileInput[]; message: string; kernel: string | null } | null;
  /** Whether the title or visibility changed (fork trees show them). */
  listingChanged: boolean;
}): Promise<void> {
  const { row, revision } = options;
  revalidateSnippet(row.owner.username, row.slug, { parent: row.forkedFrom ? `${row.forkedFrom.owner.username}/${row.forkedFrom.slug}` : null });
  await syncSearchIndex({ snippetId: row.id });
  if (revision) {
    void thumbnailAtPublication({ snippetId: row.id, rev: revision.head, files: toBytes(revision.files), mainFile: row.mainFile, kernel: revision.kernel });
    await recordActivity({
      kind: "COMMIT",
      actorId: options.actorId,
      snippetId: row.id,
      networkId: row.networkId,
      rev: revision.head,
      summary: revision.message,
    });
  }
  // Fork trees across the network show its title and hide it when unlisted (a new revision revalidates them above).
  else if (options.listingChanged) await revalidateNetwork(row.networkId ?? row.id);
}
