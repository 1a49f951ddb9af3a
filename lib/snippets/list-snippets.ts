import "server-only";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import type { TActor } from "./schema";
import { snippetInclude, toSnippetSummary, type TSnippetSummary } from "./internal";

export const PAGE_SIZE = 20;

export type TListSnippetsOptions = {
  actor?: TActor | null;
  /** Only this user's snippets (and forks). Their unlisted ones are included for themselves. */
  owner?: string;
  /** `recent`: latest revision first; `popular`: most forked first. */
  sort?: "recent" | "popular" | "created";
  /** 1-based. */
  page?: number;
  perPage?: number;
  /** Only snippets with this tag. */
  tag?: string;
};

export type TSnippetPage = { items: TSnippetSummary[]; page: number; hasNext: boolean };

/** Public snippets, newest or most forked first. Unlisted ones are never listed, except to their owner. */
export async function listSnippets(options: TListSnippetsOptions = {}): Promise<TSnippetPage> {
  const page = Math.max(1, Math.floor(options.page ?? 1));
  const perPage = Math.min(100, Math.max(1, options.perPage ?? PAGE_SIZE));
  const owner = options.owner?.toLowerCase();
  const ownView = owner !== undefined && options.actor?.username === owner;
  const where: Prisma.SnippetWhereInput = {
    ...(ownView ? {} : { visibility: "PUBLIC" }),
    ...(owner !== undefined ? { owner: { username: owner } } : {}),
    ...(options.tag ? { tags: { some: { tag: { name: options.tag.toLowerCase() } } } } : {}),
  };
  const orderBy: Prisma.SnippetOrderByWithRelationInput[] =
    options.sort === "popular"
      ? [{ forks: { _count: "desc" } }, { updatedAt: "desc" }]
      : options.sort === "created"
        ? [{ createdAt: "desc" }]
        : [{ updatedAt: "desc" }];
  const rows = await getDb().snippet.findMany({
    where,
    include: snippetInclude,
    orderBy: [...orderBy, { id: "asc" }],
    skip: (page - 1) * perPage,
    take: perPage + 1,
  });
  return { items: rows.slice(0, perPage).map(toSnippetSummary), page, hasNext: rows.length > perPage };
}
