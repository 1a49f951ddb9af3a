import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { TActor } from "@/lib/snippets/schema";

/**
 * Deletes one of the actor's tokens; it stops working at once. Someone else's token (or an
 * unknown id) is NOT_FOUND, so ids of other people's tokens cannot be probed.
 */
export async function revokeToken(options: { actor: TActor | null; id: string }): Promise<void> {
  if (!options.actor) throw new AppError("UNAUTHORIZED", "Sign in to revoke API tokens.");
  // The owner is part of the `where`, so no caller can revoke another user's token.
  const { count } = await getDb().apiToken.deleteMany({ where: { id: options.id, userId: options.actor.id } });
  if (count === 0) throw new AppError("NOT_FOUND", "There is no such token.");
}
