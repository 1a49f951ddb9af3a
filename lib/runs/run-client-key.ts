import "server-only";
import { randomBytes } from "node:crypto";
import { consume, refund } from "@/lib/auth/rate-limit";
import type { TActor } from "@/lib/snippets/schema";

/** Who is asking for a run: the signed-in user (or token), else the client's address if known. */
export type TRunner = { actor: TActor | null; address: string | null };

/**
 * Spends one point of a budget, the Run budget unless told (interact updates have their own):
 * per user when signed in, else per address; visitors whose address is unknown (no trusted proxy)
 * share one larger budget. Past it, a 429 with Retry-After.
 */
export async function spendBudget(runner: TRunner, budget: "exec" | "interact" = "exec"): Promise<void> {
  await consume(...budgetOf(runner, budget));
}

/** Gives back the point spendBudget took, when the run was refused before anything ran. */
export async function refundBudget(runner: TRunner, budget: "exec" | "interact" = "exec"): Promise<void> {
  await refund(...budgetOf(runner, budget));
}

function budgetOf(runner: TRunner, budget: "exec" | "interact"): [name: "exec" | "interact" | "exec-all" | "interact-all", key: string] {
  if (runner.actor) return [budget, `user:${runner.actor.id}`];
  if (runner.address) return [budget, `addr:${runner.address}`];
  return [`${budget}-all`, "anonymous"];
}

/**
 * The key the service counts live sessions by (its per-client cap). Without a user or a known
 * address there is nothing to tell visitors apart, and one shared key would let a single visitor
 * lock every anonymous reader out; so such a session gets a key of its own, and only the
 * service's global queue bounds them.
 */
export function serviceClientKey(runner: TRunner): string {
  if (runner.actor) return `user:${runner.actor.id}`;
  if (runner.address) return `addr:${runner.address}`;
  return `anon:${randomBytes(9).toString("base64url")}`;
}
