import "server-only";
import { checkSessionId, fromExecError, type TExecClient } from "./exec-client";

/** Files the session's cells created or changed in its working directory, with their sizes. */
export async function listRunFiles(options: { session: string; client: TExecClient }): Promise<{ name: string; size: number }[]> {
  checkSessionId(options.session);
  try {
    return await options.client.listFiles({ session: options.session });
  } catch (e) {
    throw fromExecError(e);
  }
}
