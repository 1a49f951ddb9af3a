import "server-only";
import { execClient } from "@/lib/exec/client";
import { AppError } from "@/lib/errors";
import { checkSessionId, fromExecError, type TExecClient } from "./exec-client";
import { MAX_CELL_CHARS } from "./run-cell";
import { spendBudget, type TRunner } from "./run-client-key";
import { toCodePoints, toUtf16 } from "./cursor-units";

export type TCompletion = { matches: string[]; cursorStart: number; cursorEnd: number; busy: boolean };

/**
 * Completions for the name before `cursor` in `code` (Tab in the editor), from the live
 * session's namespace: names, attributes (`np.li`), module names in imports. `cursor`,
 * `cursorStart` and `cursorEnd` are JavaScript string positions (UTF-16); the kernel counts
 * code points. While a cell runs the answer is empty with `busy` (docs/exec.md, "Completion
 * and help"). Spends the interact budget: a reader presses Tab often, as they drag a slider.
 */
export async function completeCode(
  options: TRunner & { session: string; code: string; cursor: number; client?: TExecClient | undefined },
): Promise<TCompletion> {
  const { code, cursor } = checkQuery(options);
  await spendBudget(options, "interact");
  try {
    const reply = await (options.client ?? execClient()).complete({ session: options.session, code, cursor_pos: toCodePoints(code, cursor) });
    return { matches: reply.matches, cursorStart: toUtf16(code, reply.cursor_start), cursorEnd: toUtf16(code, reply.cursor_end), busy: reply.busy };
  } catch (e) {
    throw fromExecError(e);
  }
}

/** The checks shared with inspectCode: a session id, a cell's worth of code, a cursor inside it. */
export function checkQuery(options: { session: string; code: string; cursor: number }): { code: string; cursor: number } {
  checkSessionId(options.session);
  if (options.code.length > MAX_CELL_CHARS) throw new AppError("TOO_LARGE", `A cell may hold at most ${MAX_CELL_CHARS.toLocaleString("en")} characters.`);
  if (!Number.isInteger(options.cursor) || options.cursor < 0 || options.cursor > options.code.length) {
    throw new AppError("INVALID", `cursor must be a position in the code (0 to ${options.code.length}).`);
  }
  return { code: options.code, cursor: options.cursor };
}
