import { consume } from "@/lib/auth/rate-limit";
import type { TActor } from "@/lib/snippets/schema";

/**
 * Spends one write of the actor's budget (shared with the web forms). Anonymous requests
 * spend nothing here: the operation refuses them with a 401 anyway.
 */
export async function spendWrite(actor: TActor | null): Promise<void> {
  if (actor) await consume("write", actor.id);
}
