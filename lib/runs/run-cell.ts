import "server-only";
import { execClient } from "@/lib/exec/client";
import { AppError } from "@/lib/errors";
import { checkSessionId, fromExecError, type TExecClient } from "./exec-client";
import { spendBudget, type TRunner } from "./run-client-key";

/** Longest cell accepted, in characters: a cell is typed, not a file upload. */
export const MAX_CELL_CHARS = 100_000;

/**
 * Executes `code` as an interactive cell in a running session (after whatever ran before, in
 * the same namespace); its last expression's value comes back as an `execute_result`.
 * Returns the cell's msg_id, which its messages carry as their parent.
 */
export async function runCell(options: TRunner & { session: string; code: string; client?: TExecClient | undefined }): Promise<{ msgId: string }> {
  checkSessionId(options.session);
  if (options.code.length > MAX_CELL_CHARS) throw new AppError("TOO_LARGE", `A cell may hold at most ${MAX_CELL_CHARS.toLocaleString("en")} characters.`);
  await spendBudget(options);
  try {
    const { msg_id } = await (options.client ?? execClient()).execute({ session: options.session, code: options.code, filename: null });
    return { msgId: msg_id };
  } catch (e) {
    throw fromExecError(e);
  }
}
