import "server-only";
import { getDb } from "@/lib/db/client";

/** What anyone may see about a user. */
export type TPublicUser = { id: string; username: string; displayName: string | null; createdAt: Date };

/** The public profile of `username` (case-insensitive), or null when there is no such user. */
export async function getUserByUsername(options: { username: string }): Promise<TPublicUser | null> {
  const username = options.username.trim().toLowerCase();
  if (!username) return null;
  return getDb().user.findUnique({
    where: { username },
    select: { id: true, username: true, displayName: true, createdAt: true },
  });
}
