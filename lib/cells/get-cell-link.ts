import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { TCellLink } from "./create-cell-link";
import { ZCellLinkId } from "./schema";

/** The short link `id` (`/cell?q=<id>`); an unknown or malformed id is a 404. Anyone may read one. */
export async function getCellLink(options: { id: string }): Promise<TCellLink> {
  const notFound = () => new AppError("NOT_FOUND", "There is no cell at this short link. Check that the whole link was copied.");
  if (!ZCellLinkId.safeParse(options.id).success) throw notFound();
  const row = await getDb().cellLink.findUnique({
    where: { id: options.id },
    select: { id: true, code: true, kernel: true, interacts: true, createdAt: true },
  });
  if (!row) throw notFound();
  return { ...row, interacts: (row.interacts as TCellLink["interacts"]) ?? null };
}
