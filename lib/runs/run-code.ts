import "server-only";
import { execClient } from "@/lib/exec/client";
import { AppError } from "@/lib/errors";
import { resolveSharedScope } from "@/lib/shared/resolve-shared-scope";
import { readSnippetFiles } from "@/lib/snippets/read-snippet-files";
import type { TRunStatus } from "@/lib/exec/client";
import type { TNbOutput } from "@/lib/exec/protocol";
import { fromCreationError, type TExecClient } from "./exec-client";
import { MAX_CELL_CHARS } from "./run-cell";
import type { TKernelName } from "@/lib/snippets/kernel";
import { serviceClientKey, spendBudget, type TRunner } from "./run-client-key";

export type TRunCodeResult = {
  status: TRunStatus;
  outputs: TNbOutput[];
  /** Files the code created or changed. */
  files: { name: string; size: number }[];
  /** The session that kept the files, to download them from; null when none was kept. */
  session: string | null;
  /** The execution host the code ran on ("local" on a site without NATS). */
  host: string;
};

/**
 * Runs `code` to completion and returns nbformat v4 outputs (for `POST /api/v1/exec`): in the
 * files of `snippet` at its revision (default the latest), or in an empty directory. The code
 * runs as an interactive cell, so its last expression's value is an `execute_result`.
 * `timeout` (seconds) can only shorten the service's own wall-clock limit. It runs in `kernel`,
 * else the snippet's (kernel.ts), else Python; a kernel the service lacks is a 422 naming those
 * it has, and gives the Run budget back.
 */
export async function runToCompletion(
  options: TRunner & {
    code: string;
    snippet?: { owner: string; slug: string; rev?: string | undefined } | undefined;
    timeout?: number | undefined;
    kernel?: TKernelName | undefined;
    client?: TExecClient | undefined;
  },
): Promise<TRunCodeResult> {
  if (options.code.length > MAX_CELL_CHARS) throw new AppError("TOO_LARGE", `code may hold at most ${MAX_CELL_CHARS.toLocaleString("en")} characters.`);
  await spendBudget(options);
  const revision = options.snippet
    ? await readSnippetFiles({ owner: options.snippet.owner, slug: options.snippet.slug, ...(options.snippet.rev ? { rev: options.snippet.rev } : {}) })
    : null;
  const files = revision ? revision.files.map((f) => ({ path: f.path, content: f.content })) : [];
  const kernel = options.kernel ?? revision?.kernel ?? "python";
  // Code run in a snippet's files sees its `shared` values; code without a snippet has none.
  const shared = revision ? await resolveSharedScope({ snippetId: revision.snippetId, actor: options.actor }) : null;
  try {
    const result = await (options.client ?? execClient()).runToCompletion({
      files,
      ...(revision ? { tree: revision.rev } : {}),
      code: options.code,
      filename: null,
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
      client: serviceClientKey(options),
      kernel,
      shared,
    });
    return { status: result.status, outputs: result.outputs, files: result.files, session: result.session, host: result.host };
  } catch (e) {
    throw await fromCreationError(e, options, kernel);
  }
}
