import "server-only";
import { execClient } from "@/lib/exec/client";
import { AppError } from "@/lib/errors";
import { ZInteractHttpRequest } from "@/lib/exec/protocol";
import { checkSessionId, fromExecError, type TExecClient } from "./exec-client";
import { spendBudget, type TRunner } from "./run-client-key";

/**
 * Sends an interact's new control values to its session: the kernel re-runs the interact's
 * function with them (constrained to each control) and streams the output, tagged with the
 * interact's id, to the run's events. Returns the update's msg_id, which its messages carry as
 * parent. Updates have a budget of their own, far above Run's: a reader dragging a slider sends
 * one after another (the page keeps one in flight per interact).
 */
export async function updateInteract(
  options: TRunner & { session: string; interact: string; values: Record<string, unknown>; client?: TExecClient | undefined },
): Promise<{ msgId: string }> {
  checkSessionId(options.session);
  const parsed = ZInteractHttpRequest.safeParse({ interact: options.interact, values: options.values });
  if (!parsed.success) throw new AppError("INVALID", `Interact update: ${parsed.error.issues[0]?.message ?? "invalid"}.`);
  await spendBudget(options, "interact");
  try {
    const { msg_id } = await (options.client ?? execClient()).updateInteract({ session: options.session, interact: options.interact, values: options.values });
    return { msgId: msg_id };
  } catch (e) {
    throw fromExecError(e);
  }
}
