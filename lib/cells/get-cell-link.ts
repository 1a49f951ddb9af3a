import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { TCellLink } from "./create-cell-link";
import { ZCellLinkId } from "./schema";

/** How often a link's `lastOpenedAt` is written at most: once a day, so reads stay reads. */
const OPENED_RESOLUTION_MS = 24 * 60 * 60 * 1000;

/**
 * The short link `id` (`/cell?q=<id>`); an unknown or malformed id is a 404. Anyone may read one.
 * Notes the day it was opened (`lastOpenedAt`, see prune-cell-links.ts); a failure to note it is
 * logged and does not stop the read.
 */
export async function getCellLink(options: { id: string }): Promise<TCellLink> {
  const notFound = () => new AppError("NOT_FOUND", "There is no cell at this short link. Check that the whole link was copied.");
  if (!ZCellLinkId.safeParse(options.id).success) throw notFound();
  const row = await getDb().cellLink.findUnique({
    where: { id: options.id },
    select: { id: true, code: true, kernel: true, interacts: true, createdAt: true },
  });
  if (!row) throw notFound();
  const now = new Date();
  await getDb()
    .cellLink.updateMany({
      where: { id: row.id, OR: [{ lastOpenedAt: null }, { lastOpenedAt: { lt: new Date(now.getTime() - OPENED_RESOLUTION_MS) } }] },
      data: { lastOpenedAt: now },
    })
    .catch((e: unknown) => console.error(`Noting that short link ${row.id} was opened failed`, e));
  return { ...row, interacts: (row.interacts as TCellLink["interacts"]) ?? null };
}
