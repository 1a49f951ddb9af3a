import "server-only";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import type { TActor } from "@/lib/snippets/schema";
import { activitySelect, pageNumber, toActivityPage, type TActivityPage } from "./internal";

/**
 * What `username` did lately (snippets, revisions, forks, comments, ratings), newest first.
 * Activity on unlisted snippets shows only to the user themselves (so does the name of an unlisted
 * snippet they forked); on deleted snippets, to nobody.
 */
export async function listUserActivity(options: { username: string; actor: TActor | null; page?: number | string; perPage?: number }): Promise<TActivityPage> {
  const user = await getDb().user.findUnique({ where: { username: options.username.trim().toLowerCase() }, select: { id: true } });
  if (!user) throw new AppError("NOT_FOUND", `There is no user ${options.username}.`);
  const page = pageNumber(options.page);
  const perPage = Math.min(Math.max(options.perPage ?? 20, 1), 100);
  const own = options.actor?.id === user.id;
  const rows = await getDb().activity.findMany({
    where: { actorId: user.id, snippet: own ? { isNot: null } : { visibility: "PUBLIC" } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * perPage,
    take: perPage + 1,
    select: activitySelect,
  });
  return toActivityPage(rows, page, perPage, own ? "all" : null);
}
