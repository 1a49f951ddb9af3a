import "server-only";
import { execClient } from "@/lib/exec/client";
import { checkSessionId, fromExecError, type TExecClient } from "./exec-client";

/**
 * Interrupts the cell running in a session (KeyboardInterrupt; the service kills it after a
 * grace period). The session stays open for more cells.
 */
export async function stopRun(options: { session: string; client?: TExecClient | undefined }): Promise<void> {
  checkSessionId(options.session);
  try {
    await (options.client ?? execClient()).interrupt({ session: options.session });
  } catch (e) {
    throw fromExecError(e);
  }
}
