import "server-only";
import { getDb } from "@/lib/db/client";
import { hashToken, TOKEN_PREFIX } from "./internal";

/** lastUsedAt is a hint for the token list, not an audit log: at most one write a minute per token. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The user an API token (`cellar_…`) belongs to, or null when it is unknown or revoked. */
export async function authenticateToken(options: { token: string }): Promise<{ id: string; username: string } | null> {
  const token = options.token.trim();
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const db = getDb();
  // Looked up by digest: an indexed equality match, and nothing secret reaches the query.
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, lastUsedAt: true, user: { select: { id: true, username: true } } },
  });
  if (!row) return null;
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Conditional, so concurrent requests in the same minute do not all write.
    await db.apiToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }] },
      data: { lastUsedAt: now },
    });
  }
  return row.user;
}
