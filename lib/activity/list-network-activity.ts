import "server-only";
import { getDb } from "@/lib/db/client";
import { findSnippetOrThrow } from "@/lib/snippets/internal";
import { NETWORK_KINDS } from "./record-activity";
import { activitySelect, pageNumber, toActivityPage, type TActivityPage } from "./internal";

/**
 * Recent new snippets, revisions and forks across the fork network of `owner/slug`, newest
 * first. Unlisted snippets of the network stay hidden (their URLs are the secret), except the
 * snippet itself, and a public fork of one does not name it; rows of deleted snippets are left
 * out (there is nothing to link to).
 */
export async function listNetworkActivity(options: { owner: string; slug: string; page?: number | string; perPage?: number }): Promise<TActivityPage> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const page = pageNumber(options.page);
  const perPage = Math.min(Math.max(options.perPage ?? 20, 1), 100);
  const rows = await getDb().activity.findMany({
    where: {
      networkId: row.networkId ?? row.id,
      kind: { in: [...NETWORK_KINDS] },
      OR: [{ snippetId: row.id }, { snippet: { visibility: "PUBLIC" } }],
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * perPage,
    take: perPage + 1,
    select: activitySelect,
  });
  return toActivityPage(rows, page, perPage, row.id);
}
