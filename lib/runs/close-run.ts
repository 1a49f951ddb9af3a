import "server-only";
import { execClient } from "@/lib/exec/client";
import { AppError } from "@/lib/errors";
import { checkSessionId, fromExecError, type TExecClient } from "./exec-client";

/**
 * Ends a session and frees its slot (the page does this on "Run again" and when it is left).
 * A session that has already ended is not an error: the caller wanted it gone, and it is.
 */
export async function closeRun(options: { session: string; client?: TExecClient | undefined }): Promise<void> {
  checkSessionId(options.session);
  try {
    await (options.client ?? execClient()).close({ session: options.session });
  } catch (e) {
    const mapped = fromExecError(e);
    if (mapped instanceof AppError && mapped.code === "NOT_FOUND") return;
    throw mapped;
  }
}
