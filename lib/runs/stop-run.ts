import "server-only";
import { checkSessionId, fromExecError, type TExecClient } from "./exec-client";

/**
 * Interrupts the cell running in a session (KeyboardInterrupt; the service kills it after a
 * grace period). The session stays open for more cells.
 */
export async function stopRun(options: { session: string; client: TExecClient }): Promise<void> {
  checkSessionId(options.session);
  try {
    await options.client.interrupt({ session: options.session });
  } catch (e) {
    throw fromExecError(e);
  }
}
