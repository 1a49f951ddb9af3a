import { appendOutput, isDeadStatus, isMsgType, toNbOutput, type TFileEntry, type TNbOutput, type TSharedScope } from "@/lib/exec/protocol";
import type { TClientFile, TExecClient } from "@/lib/exec/client";

export type TRunStatus = "ok" | "error" | "timeout" | "limit";
/**
 * `session`: the session that ran the cell (its files are downloadable from it for a while);
 * `host`: the execution host it ran on.
 */
export type TRunResult = { status: TRunStatus; outputs: TNbOutput[]; files: TFileEntry[]; session: string; host: string };

export type TRunToCompletionInput = {
  files: TClientFile[];
  code: string;
  filename?: string | null;
  timeout?: number;
  client: string;
  /** The kernel to run in (default "python"). */
  kernel?: string;
  /** The files' git tree oid, when known (NATS ships files by it). */
  tree?: string | undefined;
  /** The snippet's shared-values scope (none: `shared` refuses in the cell). */
  shared?: TSharedScope | null | undefined;
};

/**
 * Runs one cell in a fresh session and waits for it (`POST /api/v1/exec`): its outputs as
 * nbformat v4, its status (a `LimitExceeded` for the wall clock is "timeout", for another
 * limit "limit"), and the files it wrote. The session is closed afterwards; the files stay
 * downloadable for the service's retention time.
 */
export async function runToCompletion(client: TExecClient, o: TRunToCompletionInput): Promise<TRunResult> {
  // The cell goes with the creation: one round trip less.
  const created = await client.createSession({
    files: o.files,
    ...(o.tree !== undefined ? { tree: o.tree } : {}),
    client: o.client,
    ...(o.kernel !== undefined ? { kernel: o.kernel } : {}),
    ...(o.shared ? { shared: o.shared } : {}),
    execute: { code: o.code, filename: o.filename, timeout: o.timeout },
  });
  const { session } = created;
  // The service's own wall clock ends every cell; this is a backstop against a lost stream.
  const abort = new AbortController();
  const backstop = setTimeout(() => abort.abort(), ((o.timeout ?? 600) + 30) * 1000);
  try {
    const msg_id = created.msg_id ?? (await client.execute({ session, code: o.code, filename: o.filename, timeout: o.timeout })).msg_id;
    const outputs: TNbOutput[] = [];
    let status: TRunStatus = "ok";
    for await (const { message } of client.events({ session, signal: abort.signal })) {
      if (isDeadStatus(message)) break;
      if (message.parent_header.msg_id !== msg_id) continue;
      const output = toNbOutput(message);
      if (output) appendOutput(outputs, output);
      if (isMsgType(message, "error")) {
        const limit = message.metadata.limit;
        status = message.content.ename === "LimitExceeded" ? (limit === "time" ? "timeout" : "limit") : "error";
      }
      if (isMsgType(message, "status") && message.content.execution_state === "idle") break;
    }
    const files = await client.listFiles({ session });
    return { status, outputs, files, session, host: created.host };
  } finally {
    clearTimeout(backstop);
    await client.close({ session }).catch(() => {});
  }
}
