import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { TActor } from "@/lib/snippets/schema";

/** A token as listed: never the secret. */
export type TTokenSummary = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null };

/** The actor's own API tokens, newest first. */
export async function listTokens(options: { actor: TActor | null }): Promise<TTokenSummary[]> {
  if (!options.actor) throw new AppError("UNAUTHORIZED", "Sign in to see your API tokens.");
  return getDb().apiToken.findMany({
    where: { userId: options.actor.id },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}
