import "server-only";
import { createHmac } from "node:crypto";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { TActor } from "./schema";

/**
 * Who looked or ran: the signed-in user, else the client's address (lib/auth/client-address.ts:
 * the socket's, or the one our trusted proxy appended). Never a cookie or header the client
 * picks, which would let one client count itself as many.
 */
export type TVisitor = { actor: TActor | null; address: string | null };

export type THitKind = "view" | "run";

/**
 * The key a visitor is counted under, or null when visitors cannot be told apart. Addresses are
 * stored only as keyed hashes, so the table holds none and cannot be matched against one
 * without the site's secret. Readers behind one address (a school, a NAT) count as one a day:
 * an undercount, where a client-chosen key was an overcount anyone could script.
 */
export function visitorKey(visitor: TVisitor): string | null {
  if (visitor.actor) return `user:${visitor.actor.id}`;
  if (!visitor.address) return null;
  return `a:${createHmac("sha256", getEnv().authSecret).update(`addr:${visitor.address}`).digest("base64url").slice(0, 32)}`;
}

let prunedDay: string | null = null;

/**
 * Counts a view or a run of `owner/slug`: once per visitor and UTC day, never the owner's own.
 * A (snippet, kind, visitor, day) row makes repeats free; the counter moves only when that row
 * is new, in the same transaction. Rows of days before yesterday are dropped once a day.
 * Counters shown on the cached page follow at its next render; nothing is revalidated per view.
 */
export async function countHit(options: { owner: string; slug: string; kind: THitKind; visitor: TVisitor }): Promise<{ counted: boolean }> {
  const db = getDb();
  const row = await db.snippet.findFirst({
    where: { slug: options.slug.toLowerCase(), owner: { username: options.owner.toLowerCase() } },
    select: { id: true, ownerId: true },
  });
  if (!row) throw new AppError("NOT_FOUND", `There is no snippet ${options.owner}/${options.slug}.`);
  if (options.visitor.actor?.id === row.ownerId) return { counted: false };
  const visitor = visitorKey(options.visitor);
  if (!visitor) return { counted: false };
  const day = new Date().toISOString().slice(0, 10);
  const counted = await db.$transaction(async (tx) => {
    const { count } = await tx.snippetHit.createMany({ data: [{ snippetId: row.id, kind: options.kind, visitor, day }], skipDuplicates: true });
    if (count === 0) return false;
    await tx.snippet.update({ where: { id: row.id }, data: options.kind === "view" ? { viewCount: { increment: 1 } } : { runCount: { increment: 1 } } });
    return true;
  });
  if (prunedDay !== day) {
    prunedDay = day;
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    db.snippetHit.deleteMany({ where: { day: { lt: yesterday } } }).catch((e: unknown) => console.error("Pruning old snippet hits failed", e));
  }
  return { counted };
}
