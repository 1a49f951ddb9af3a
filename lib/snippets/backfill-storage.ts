import "server-only";
import { getDb } from "@/lib/db/client";
import { historyBytes, isRepoError } from "@/lib/repos";
import { repoDir } from "./internal";

/** Snippet rows read per round. */
const CHUNK = 200;

/**
 * Charges snippets made before the storage quota existed (storage-quota.ts) for their history:
 * each snippet's storageBytes is raised to the bytes of the distinct contents its repository
 * holds, and its owner's User.storageBytes by the same difference, in one transaction per
 * snippet. Never lowers a count (writes since may have charged more, a fork its source's count),
 * so running it again changes nothing. May take users past their quota: their next growing
 * write is refused. Returns how many snippets it charged more.
 */
export async function backfillStorage(): Promise<number> {
  let changed = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await getDb().snippet.findMany({
      where: after ? { id: { gt: after } } : {},
      select: { id: true, ownerId: true, repoPath: true, storageBytes: true },
      orderBy: { id: "asc" },
      take: CHUNK,
    });
    if (rows.length === 0) return changed;
    after = rows[rows.length - 1]!.id;
    for (const row of rows) {
      const bytes = await historyBytes({ dir: repoDir(row.repoPath) }).catch((e: unknown) => {
        if (isRepoError(e) && e.code === "NOT_FOUND") return null; // deleted meanwhile
        throw e;
      });
      if (bytes === null || bytes <= row.storageBytes) continue;
      const raised = await getDb().$transaction(async (tx) => {
        // Only from the count read: an edit that charged the snippet meanwhile keeps its charge.
        const { count } = await tx.snippet.updateMany({ where: { id: row.id, storageBytes: row.storageBytes }, data: { storageBytes: bytes } });
        if (count === 1) await tx.user.update({ where: { id: row.ownerId }, data: { storageBytes: { increment: bytes - row.storageBytes } } });
        return count;
      });
      changed += raised;
    }
  }
}
