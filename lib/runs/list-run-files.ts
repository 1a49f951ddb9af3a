import "server-only";
import { execClient } from "@/lib/exec/client";
import { checkSessionId, fromExecError, type TExecClient } from "./exec-client";

/** Files the session's cells created or changed in its working directory, with their sizes. */
export async function listRunFiles(options: { session: string; client?: TExecClient | undefined }): Promise<{ name: string; size: number }[]> {
  checkSessionId(options.session);
  try {
    return await (options.client ?? execClient()).listFiles({ session: options.session });
  } catch (e) {
    throw fromExecError(e);
  }
}
