import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { authenticateToken } from "@/lib/tokens/authenticate-token";
import { getDb } from "@/lib/db/client";
import type { TActor } from "@/lib/snippets/schema";
import { getAuthOptions } from "./options";

/**
 * The signed-in user of this request (from the session cookie), or null. A session whose
 * account no longer exists counts as signed out. Cached per request.
 */
export const getCurrentUser = cache(async (): Promise<TActor | null> => {
  const session = await getServerSession(getAuthOptions());
  const id = session?.user?.id;
  if (!id) return null;
  const user = await getDb().user.findUnique({ where: { id }, select: { id: true, username: true } });
  return user ?? null;
});

/**
 * The actor of an API request: `Authorization: Bearer <token>` when present (a bad token is
 * an error, not anonymous), otherwise the session.
 */
export async function getActor(request: Request): Promise<TActor | null | "invalid-token"> {
  const header = request.headers.get("authorization");
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!m?.[1]) return "invalid-token";
    const user = await authenticateToken({ token: m[1] });
    return user ?? "invalid-token";
  }
  return getCurrentUser();
}
