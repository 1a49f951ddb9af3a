import "server-only";
import { execClient } from "@/lib/exec/client";
import { fromExecError, type TExecClient } from "./exec-client";
import { checkQuery } from "./complete-code";
import { toCodePoints } from "./cursor-units";
import { spendBudget, type TRunner } from "./run-client-key";

export type THelp = { found: boolean; text: string; busy: boolean };

/**
 * Help for the name at `cursor` in `code` (Shift+Tab in the editor), or for the function whose
 * call the cursor is in (`math.factorial(|`): its signature and docstring, with `detail` 1 its
 * source, as text from the live session (Jupyter's inspect_request). `cursor` is a JavaScript
 * string position. Empty with `busy` while a cell runs.
 */
export async function inspectCode(
  options: TRunner & { session: string; code: string; cursor: number; detail?: 0 | 1; client?: TExecClient | undefined },
): Promise<THelp> {
  const { code, cursor } = checkQuery(options);
  await spendBudget(options, "interact");
  try {
    const reply = await (options.client ?? execClient()).inspect({
      session: options.session,
      code,
      cursor_pos: toCodePoints(code, cursor),
      detail_level: options.detail ?? 0,
    });
    return { found: reply.found, text: reply.data["text/plain"] ?? "", busy: reply.busy };
  } catch (e) {
    throw fromExecError(e);
  }
}
