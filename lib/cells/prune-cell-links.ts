import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

/** The shortest idle time an operator may prune at: a link shared for a course survives its break. */
export const MIN_PRUNE_DAYS = 90;

/**
 * Removes the short links (`/cell?q=`) that nobody has opened, nor made, for `unusedDays` days.
 * The site never calls it: short links are kept for good, as SageMathCell keeps its own, since
 * they live on in course pages, papers and mail. It is the operator's lever
 * (`bin/cellar cells prune --unused-days N`) should the table grow past what they want to keep.
 * Opening a link notes the day (get-cell-link.ts), so a link in use is never removed.
 * Returns how many were removed.
 */
export async function pruneCellLinks(options: { unusedDays: number; now?: Date }): Promise<number> {
  if (!Number.isInteger(options.unusedDays) || options.unusedDays < MIN_PRUNE_DAYS) {
    throw new AppError("INVALID", `Links can be pruned after ${MIN_PRUNE_DAYS} days unused at the soonest (a whole number of days).`);
  }
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.unusedDays * 24 * 60 * 60 * 1000);
  const { count } = await getDb().cellLink.deleteMany({
    where: { OR: [{ lastOpenedAt: { lt: cutoff } }, { lastOpenedAt: null, createdAt: { lt: cutoff } }] },
  });
  return count;
}
