import "server-only";
import { execClient } from "@/lib/exec/client";
import { resolveSharedScope } from "@/lib/shared/resolve-shared-scope";
import { readSnippetFiles } from "@/lib/snippets/read-snippet-files";
import { noteRunStart } from "@/lib/snippets/note-run-start";
import type { TKernelName } from "@/lib/snippets/kernel";
import { fromCreationError, type TExecClient } from "./exec-client";
import { serviceClientKey, spendBudget, type TRunner } from "./run-client-key";

export type TStartedRun = {
  session: string;
  /** The revision whose files the session holds (a full oid). */
  rev: string;
  /** The file executed first, or null when the snippet has no clear main file (cells only). */
  mainFile: string | null;
  /** The kernel the session runs. */
  kernel: TKernelName;
  /** msg_id of the main file's execution, null when nothing was executed. */
  msgId: string | null;
  /** Why nothing ran yet, for the page to show, when mainFile is null. */
  note: string | null;
  /** The execution host running the session ("local" on a site without NATS). */
  host: string;
};

/**
 * Opens a session with every file of `owner/slug` at `rev` (default the latest) as its working
 * directory and executes the main file in it (as `__main__`, named so tracebacks point into it).
 * A snippet without a clear main file still gets its session, for cells only, and says so.
 * The session runs `kernel`, default the snippet's (kernel.ts); a kernel the service lacks is a
 * 422 naming those it has, and gives the Run budget back. Anyone may run any snippet (all are
 * readable by URL); the Run budget is spent first.
 */
export async function startRun(
  options: TRunner & {
    owner: string;
    slug: string;
    rev?: string | undefined;
    kernel?: TKernelName | undefined;
    client?: TExecClient | undefined;
  },
): Promise<TStartedRun> {
  const client = options.client ?? execClient();
  await spendBudget(options);
  const revision = await readSnippetFiles({ owner: options.owner, slug: options.slug, ...(options.rev ? { rev: options.rev } : {}) });
  const files = revision.files.map((f) => ({ path: f.path, content: f.content }));
  const main = revision.mainFile ? revision.files.find((f) => f.path === revision.mainFile) : undefined;
  const runnable = main && !main.binary ? main : undefined;
  const kernel = options.kernel ?? revision.kernel;
  // Whose `shared` values the session's cells see, and whether they may write (docs/exec.md section 5).
  const shared = await resolveSharedScope({ snippetId: revision.snippetId, actor: options.actor });
  let created: { session: string; msg_id?: string; host: string };
  try {
    // The main file goes with the session's creation: one round trip to first output.
    created = await client.createSession({
      files,
      // The revision pins the files: hosts on NATS fetch them by it once and keep them (docs/scale.md).
      tree: revision.rev,
      client: serviceClientKey(options),
      kernel,
      shared,
      ...(runnable ? { execute: { code: new TextDecoder().decode(runnable.content), filename: runnable.path } } : {}),
    });
  } catch (e) {
    throw await fromCreationError(e, options, kernel);
  }
  const { session } = created;
  noteRunStart({
    owner: options.owner,
    slug: options.slug,
    rev: revision.rev,
    session,
    client,
    visitor: { actor: options.actor, address: options.address },
  });
  if (!runnable) {
    const note = main
      ? `${main.path} is not a text file, so there is nothing to run first. Type code in the cell below.`
      : "This snippet has no main file to run first (name one main.py or main.sage, or keep one Python or Sage file). Its files are in the working directory: type code in the cell below.";
    return { session, rev: revision.rev, mainFile: null, kernel, msgId: null, note, host: created.host };
  }
  if (created.msg_id === undefined) {
    // The service did not take the first cell with the session: it must be queued, or nobody hears of the session.
    await client.close({ session }).catch(() => undefined);
    throw new Error("The execution service created a session without running its first cell.");
  }
  return { session, rev: revision.rev, mainFile: runnable.path, kernel, msgId: created.msg_id, note: null, host: created.host };
}
