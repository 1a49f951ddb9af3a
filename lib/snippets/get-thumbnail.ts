import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

/**
 * A snippet's thumbnail: of revision `rev` when given (a full oid), else the one its cards show.
 * A snippet without one is a 404 (cards then show no image).
 */
export async function getThumbnail(options: {
  owner: string;
  slug: string;
  rev?: string | undefined;
}): Promise<{ rev: string; mime: string; bytes: Uint8Array; createdAt: Date }> {
  const row = await getDb().snippet.findFirst({
    where: { slug: options.slug.toLowerCase(), owner: { username: options.owner.toLowerCase() } },
    select: { id: true, thumbnailRev: true },
  });
  const rev = options.rev ?? row?.thumbnailRev;
  if (!row || !rev) throw new AppError("NOT_FOUND", `${options.owner}/${options.slug} has no thumbnail.`);
  if (!/^[0-9a-f]{40}$/.test(rev)) throw new AppError("INVALID", "rev must be a full revision id (40 hex characters).");
  const thumb = await getDb().thumbnail.findUnique({ where: { snippetId_rev: { snippetId: row.id, rev } } });
  if (!thumb) throw new AppError("NOT_FOUND", `${options.owner}/${options.slug} has no thumbnail for that revision.`);
  return { rev, mime: thumb.mime, bytes: thumb.data, createdAt: thumb.createdAt };
}
