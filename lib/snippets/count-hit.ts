import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { TActor } from "./schema";

/** The cookie that tells anonymous visitors apart for counting (random, nothing else in it). */
export const VISITOR_COOKIE = "cellar_visitor";
const VISITOR_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** Who looked or ran: the signed-in user, else the visitor cookie, else a trusted proxy's address. */
export type TVisitor = { actor: TActor | null; cookie: string | null; address: string | null };

export type THitKind = "view" | "run";

/** The visitor cookie of a request, when it has a well-formed one. */
export function visitorCookieOf(headers: Headers): string | null {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const [name, value] = part.trim().split("=", 2);
    if (name === VISITOR_COOKIE && value && VISITOR_ID.test(value)) return value;
  }
  return null;
}

/** A new visitor id for {@link VISITOR_COOKIE}. */
export function newVisitorId(): string {
  return randomBytes(16).toString("base64url");
}

/**
 * The key a visitor is counted under, or null when visitors cannot be told apart. The cookie
 * comes before the address: a class behind one school address is many readers. Cookie and
 * address are stored only as keyed hashes, so the table holds no address and cannot be matched
 * against one without the site's secret.
 */
export function visitorKey(visitor: TVisitor): string | null {
  if (visitor.actor) return `user:${visitor.actor.id}`;
  const hash = (s: string) => createHmac("sha256", getEnv().authSecret).update(s).digest("base64url").slice(0, 32);
  if (visitor.cookie && VISITOR_ID.test(visitor.cookie)) return `c:${hash(`cookie:${visitor.cookie}`)}`;
  if (visitor.address) return `a:${hash(`addr:${visitor.address}`)}`;
  return null;
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
