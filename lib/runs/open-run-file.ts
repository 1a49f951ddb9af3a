import "server-only";
import { execClient } from "@/lib/exec/client";
import { AppError } from "@/lib/errors";
import { checkSessionId, fromExecError, type TExecClient } from "./exec-client";

/**
 * A file a session's cells wrote, as a stream with its size (never read whole into memory: it
 * may be as large as the session's file limit). The name is relative to the working directory;
 * one that climbs out of it is refused here too, not only by the service.
 */
export async function openRunFile(options: {
  session: string;
  name: string;
  client?: TExecClient | undefined;
}): Promise<{ size: number; body: ReadableStream<Uint8Array> }> {
  checkSessionId(options.session);
  const parts = options.name.split("/");
  if (!options.name || options.name.startsWith("/") || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new AppError("NOT_FOUND", `There is no file ${JSON.stringify(options.name)} in this run.`);
  }
  try {
    return await (options.client ?? execClient()).openFile({ session: options.session, name: options.name });
  } catch (e) {
    const mapped = fromExecError(e);
    if (mapped instanceof AppError && mapped.code === "NOT_FOUND") {
      throw new AppError("NOT_FOUND", `There is no file ${JSON.stringify(options.name)} in this run, or the run has ended.`, { cause: e });
    }
    throw mapped;
  }
}
