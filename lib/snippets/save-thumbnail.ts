import "server-only";
import { getDb } from "@/lib/db/client";

/**
 * Stores a revision's thumbnail unless it already has one: the first image wins, so a
 * revision's thumbnail never changes and its URL (with `?rev=`) can be cached for good.
 * The snippet's cards show it when it is of the latest revision, or when they had none yet.
 * Returns whether this image became the revision's thumbnail.
 */
export async function saveThumbnail(options: { snippetId: string; rev: string; mime: string; bytes: Buffer }): Promise<boolean> {
  const db = getDb();
  const { count } = await db.thumbnail.createMany({
    data: [{ snippetId: options.snippetId, rev: options.rev, mime: options.mime, data: new Uint8Array(options.bytes) }],
    skipDuplicates: true,
  });
  await db.snippet.updateMany({
    where: { id: options.snippetId, OR: [{ head: options.rev }, { thumbnailRev: null }] },
    data: { thumbnailRev: options.rev },
  });
  return count === 1;
}
