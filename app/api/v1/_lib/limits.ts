import { consume } from "@/lib/auth/rate-limit";
import type { TActor } from "@/lib/snippets/schema";

/**
 * Largest body of a request carrying a comment's text (writing, editing or previewing one):
 * 10,000 characters of Markdown in JSON fit easily in 64 KB.
 */
export const MAX_COMMENT_REQUEST_BYTES = 64 * 1024;

/**
 * Spends one write of the actor's budget (shared with the web forms). Anonymous requests
 * spend nothing here: the operation refuses them with a 401 anyway.
 */
export async function spendWrite(actor: TActor | null): Promise<void> {
  if (actor) await consume("write", actor.id);
}
