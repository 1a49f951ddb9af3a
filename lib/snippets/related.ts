import "server-only";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { ZTag } from "./schema";

/** How many related snippets, and related tags, a snippet can link. */
export const MAX_RELATED = 10;

/**
 * Related snippets as the owner names them: "owner/slug", or a snippet's address
 * (`https://site/owner/slug`, `/owner/slug/rev/...`), one per entry; blanks are ignored.
 */
export const ZRelatedNames = z
  .array(z.string().max(300, "A related snippet must be named as owner/slug or its address."))
  .transform((names, ctx) => {
    const out: { owner: string; slug: string }[] = [];
    for (const raw of names) {
      const name = raw.trim();
      if (!name) continue;
      const path = name.replace(/^https?:\/\/[^/]+/i, "").replace(/^\/+/, "");
      const m = /^([a-z0-9-]{1,39})\/([a-z0-9._-]{1,80})(?:\/.*)?$/i.exec(path);
      if (!m?.[1] || !m[2]) {
        ctx.addIssue({ code: "custom", message: `"${name.slice(0, 80)}" is not a snippet: name related snippets as owner/slug.` });
        return z.NEVER;
      }
      const ref = { owner: m[1].toLowerCase(), slug: m[2].toLowerCase() };
      if (!out.some((r) => r.owner === ref.owner && r.slug === ref.slug)) out.push(ref);
    }
    return out;
  })
  .refine((r) => r.length <= MAX_RELATED, `A snippet can link at most ${MAX_RELATED} related snippets.`);

export const ZRelatedTags = z
  .array(ZTag)
  .max(MAX_RELATED, `A snippet can link at most ${MAX_RELATED} related tags.`)
  .transform((tags) => [...new Set(tags)]);

/** The ids of named related snippets, in the owner's order; an unknown one or the snippet itself is refused. */
export async function resolveRelated(snippetId: string, refs: readonly { owner: string; slug: string }[]): Promise<string[]> {
  if (refs.length === 0) return [];
  const rows = await getDb().snippet.findMany({
    where: { OR: refs.map((r) => ({ slug: r.slug, owner: { username: r.owner } })) },
    select: { id: true, slug: true, owner: { select: { username: true } } },
  });
  return refs.map((r) => {
    const row = rows.find((x) => x.slug === r.slug && x.owner.username === r.owner);
    if (!row) throw new AppError("INVALID", `Related snippet ${r.owner}/${r.slug} does not exist.`);
    if (row.id === snippetId) throw new AppError("INVALID", "A snippet cannot be related to itself.");
    return row.id;
  });
}

/** Replaces a snippet's related snippets (inside the caller's transaction). */
export async function writeRelated(tx: Prisma.TransactionClient, snippetId: string, relatedIds: readonly string[]): Promise<void> {
  await tx.relatedSnippet.deleteMany({ where: { snippetId } });
  await tx.relatedSnippet.createMany({ data: relatedIds.map((relatedId, position) => ({ snippetId, relatedId, position })) });
}

/**
 * A snippet's related snippets for its page, in the owner's order. Unlisted ones are shown
 * too: their owner's link is what makes them findable, as a URL shared by hand would.
 */
export async function listRelated(options: { owner: string; slug: string }): Promise<{ owner: string; slug: string; title: string; url: string }[]> {
  const rows = await getDb().relatedSnippet.findMany({
    where: { snippet: { slug: options.slug.toLowerCase(), owner: { username: options.owner.toLowerCase() } } },
    orderBy: { position: "asc" },
    select: { related: { select: { slug: true, title: true, owner: { select: { username: true } } } } },
  });
  return rows.map(({ related: r }) => ({ owner: r.owner.username, slug: r.slug, title: r.title, url: `/${r.owner.username}/${r.slug}` }));
}
