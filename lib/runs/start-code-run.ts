import "server-only";
import { execClient } from "@/lib/exec/client";
import { AppError } from "@/lib/errors";
import type { TKernelName } from "@/lib/snippets/kernel";
import { fromCreationError, type TExecClient } from "./exec-client";
import { MAX_CELL_CHARS } from "./run-cell";
import { serviceClientKey, spendBudget, type TRunner } from "./run-client-key";

/** `host`: the execution host running the session ("local" on a site without NATS). */
export type TStartedCodeRun = { session: string; kernel: TKernelName; msgId: string; host: string };

/**
 * Opens a session with an empty working directory and runs `code` in it as its first
 * interactive cell (its last expression's value is shown), for the /cell page: the same
 * session, budget and limits as a snippet's Run (start-run.ts), only without files. Anyone may
 * run code; the Run budget is spent first, and given back when the service lacks `kernel`.
 */
export async function startCodeRun(options: TRunner & { code: string; kernel: TKernelName; client?: TExecClient | undefined }): Promise<TStartedCodeRun> {
  const client = options.client ?? execClient();
  if (options.code.length > MAX_CELL_CHARS) throw new AppError("TOO_LARGE", `code may hold at most ${MAX_CELL_CHARS.toLocaleString("en")} characters.`);
  await spendBudget(options);
  let created: { session: string; msg_id?: string; host: string };
  try {
    created = await client.createSession({
      files: [],
      client: serviceClientKey(options),
      kernel: options.kernel,
      execute: { code: options.code, filename: null },
    });
  } catch (e) {
    throw await fromCreationError(e, options, options.kernel);
  }
  if (created.msg_id === undefined) {
    await client.close({ session: created.session }).catch(() => undefined);
    throw new Error("The execution service created a session without running its first cell.");
  }
  return { session: created.session, kernel: options.kernel, msgId: created.msg_id, host: created.host };
}
