import "server-only";
import { isDeadStatus, isMsgType, type TJupyterMessage } from "@/lib/exec/protocol";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { execClient, type TExecClient } from "@/lib/exec/client";
import { fromExecError } from "@/lib/runs/exec-client";
import { INTERACT_MIME, ZInteractSpec, type TInteractSpec } from "@/lib/runs/run-log";
import { revalidateSnippet } from "@/lib/snippets/revalidate";
import { findOwnSnippetOrThrow } from "@/lib/snippets/internal";
import { resolveSharedScope } from "@/lib/shared/resolve-shared-scope";
import { readSnippetFiles } from "@/lib/snippets/read-snippet-files";
import type { TActor } from "@/lib/snippets/schema";
import { combination, staticGrid, type TStaticGrid } from "./static-grid";

/** Sessions that share one precomputation's combinations (each runs the main file first). */
export const PRECOMPUTE_WORKERS = 2;
/** Bytes of one combination's messages at most (a frame is one update's output). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** Bytes of all of a revision's frames at most. */
export const MAX_STATIC_BYTES = 64 * 1024 * 1024;
/** Seconds of wall time each update may take (the service's own limits hold too). */
const UPDATE_SECONDS = 30;

export type TPrecomputed = {
  rev: string;
  /** The interacts played from frames, with their number of frames. */
  interacts: { id: string; name: string; frames: number }[];
  /** Interacts left live, and why. */
  skipped: { id: string; name: string; reason: string }[];
  bytes: number;
};

/** What a finished update or cell sent: its messages, in order. */
type TTurn = TJupyterMessage[];

/**
 * One session of the precomputation: its messages grouped by the request they answer; `turn`
 * resolves with a request's messages once its `idle` status arrives, and rejects when the
 * session ends first.
 */
function follow(client: TExecClient, session: string) {
  const buckets = new Map<string, TJupyterMessage[]>();
  const waiters = new Map<string, { resolve: (t: TTurn) => void; reject: (e: Error) => void }>();
  const done = new Map<string, TTurn>();
  const abort = new AbortController();
  let ended: Error | null = null;
  void (async () => {
    try {
      for await (const { message } of client.events({ session, signal: abort.signal })) {
        const m: TJupyterMessage = message;
        if (isDeadStatus(m)) break;
        const state = isMsgType(m, "status") ? m.content.execution_state : undefined;
        const parent = m.parent_header.msg_id;
        if (!parent) continue;
        const bucket = buckets.get(parent) ?? [];
        bucket.push(m);
        buckets.set(parent, bucket);
        if (state === "idle") {
          buckets.delete(parent);
          const waiter = waiters.get(parent);
          if (waiter) {
            waiters.delete(parent);
            waiter.resolve(bucket);
          } else done.set(parent, bucket);
        }
      }
      ended = new Error("The session ended before the precomputation was done (a time or memory limit?).");
    } catch (e) {
      ended = abort.signal.aborted ? new Error("stopped") : (e as Error);
    }
    for (const w of waiters.values()) w.reject(ended);
    waiters.clear();
  })();
  return {
    turn(msgId: string): Promise<TTurn> {
      const finished = done.get(msgId);
      if (finished) {
        done.delete(msgId);
        return Promise.resolve(finished);
      }
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => waiters.set(msgId, { resolve, reject }));
    },
    stop: () => abort.abort(),
  };
}

/** The top-level interacts a run made, in order (nested ones are made again by their parent's runs). */
function interactsOf(messages: TTurn): TInteractSpec[] {
  const specs: TInteractSpec[] = [];
  for (const m of messages) {
    if (!isMsgType(m, "display_data") || m.metadata?.interact !== undefined) continue;
    const spec = ZInteractSpec.safeParse(m.content.data[INTERACT_MIME]);
    if (spec.success) specs.push(spec.data);
  }
  return specs;
}

/** Whether an update's messages make an interact (nested): its controls could not be played without a session. */
function makesInteracts(messages: TTurn): boolean {
  return messages.some((m) => isMsgType(m, "display_data") && INTERACT_MIME in m.content.data);
}

let running = false;

/**
 * "Precompute" (the owner's): runs the snippet's main file at `rev` (default the latest), and for
 * each interact it makes whose controls have a finite grid (static-grid.ts: sliders with steps,
 * selectors, checkboxes; at most 500 combinations), runs the interact once with every
 * combination, keeping each update's messages as a frame. Readers then move those controls with
 * no session (get-static-frame.ts). The combinations are shared by PRECOMPUTE_WORKERS sessions
 * of the execution service, each with the same isolation and limits as a reader's run. Stored
 * with the revision, replacing an earlier precomputation of it; a new revision has none.
 * One precomputation runs at a time on a site process (429 otherwise).
 */
export async function precomputeInteracts(options: {
  actor: TActor | null;
  owner: string;
  slug: string;
  rev?: string | undefined;
  client?: TExecClient;
  workers?: number;
}): Promise<TPrecomputed> {
  const row = await findOwnSnippetOrThrow(options.actor, options.owner, options.slug);
  const revision = await readSnippetFiles({ owner: options.owner, slug: options.slug, ...(options.rev ? { rev: options.rev } : {}) });
  const main = revision.mainFile ? revision.files.find((f) => f.path === revision.mainFile) : undefined;
  if (!main || main.binary) throw new AppError("INVALID", "This snippet has no main file to run, so it has no interacts to precompute.");
  if (running)
    throw new AppError("RATE_LIMITED", "Another precomputation is running on this server; try again when it is done.", { details: { retryAfter: 30 } });
  running = true;
  const client = options.client ?? execClient();
  const sessions: { session: string; stream: ReturnType<typeof follow> }[] = [];
  try {
    const code = new TextDecoder().decode(main.content);
    const files = revision.files.map((f) => ({ path: f.path, content: f.content }));
    // The main file and its interacts read the snippet's `shared` values; a precomputation does not write them.
    const shared = { ...(await resolveSharedScope({ snippetId: row.id, actor: options.actor })), canWrite: false };
    /** A session that has run the main file: its messages and the interacts it made. */
    const open = async (n: number) => {
      let created: { session: string; msg_id?: string };
      try {
        created = await client.createSession({
          files,
          tree: revision.rev,
          client: `precompute:${row.id}:${n}`,
          kernel: revision.kernel,
          shared,
          execute: { code, filename: main.path },
        });
      } catch (e) {
        throw fromExecError(e, { kernel: revision.kernel });
      }
      const stream = follow(client, created.session);
      sessions.push({ session: created.session, stream });
      if (created.msg_id === undefined) throw new Error("The execution service created a session without running its first cell.");
      const messages = await stream.turn(created.msg_id);
      return { ...created, msgId: created.msg_id, messages, specs: interactsOf(messages) };
    };

    const first = await open(0);
    const eligible: { spec: TInteractSpec; grid: TStaticGrid }[] = [];
    const skipped: TPrecomputed["skipped"] = [];
    for (const spec of first.specs) {
      const grid = staticGrid(spec);
      if (grid) eligible.push({ spec, grid });
      else
        skipped.push({
          id: spec.id,
          name: spec.name,
          reason: "a control without a finite set of values (text box, grid, colour, button), or over 500 combinations",
        });
    }
    if (eligible.length === 0) {
      throw new AppError(
        "INVALID",
        first.specs.length === 0 ? "The main file makes no interact." : "None of this snippet's interacts can be precomputed: " + skipped[0]!.reason + ".",
      );
    }

    // Every combination of every eligible interact, shared by the workers in turn.
    const jobs = eligible.flatMap(({ spec, grid }) => Array.from({ length: grid.total }, (_, n) => ({ spec, ...combination(grid, n) })));
    const workers = [first];
    const wanted = Math.max(1, Math.min(options.workers ?? PRECOMPUTE_WORKERS, jobs.length));
    for (let n = 1; n < wanted; n++) {
      const w = await open(n).catch(() => null); // runners busy: fewer workers, same result
      if (!w) break;
      const same = w.specs.map((s) => `${s.id}:${s.name}`).join() === first.specs.map((s) => `${s.id}:${s.name}`).join();
      if (!same) throw new AppError("INVALID", "The main file makes different interacts each time it runs, so they cannot be precomputed.");
      workers.push(w);
    }

    const frames = new Map<string, { interact: string; key: string; msgId: string; messages: TTurn }[]>();
    let bytes = 0;
    let next = 0;
    await Promise.all(
      workers.map(async (w) => {
        for (;;) {
          const job = jobs[next++];
          if (!job) return;
          let msgId: string;
          try {
            ({ msg_id: msgId } = await client.updateInteract({ session: w.session, interact: job.spec.id, values: job.values, timeout: UPDATE_SECONDS }));
          } catch (e) {
            throw fromExecError(e);
          }
          const stream = sessions.find((s) => s.session === w.session)!.stream;
          const messages = await stream.turn(msgId);
          const size = JSON.stringify(messages).length;
          if (size > MAX_FRAME_BYTES)
            throw new AppError(
              "TOO_LARGE",
              `One combination of ${job.spec.name} shows more than ${MAX_FRAME_BYTES / 1024 / 1024} MB of output: too large to precompute.`,
            );
          bytes += size;
          if (bytes > MAX_STATIC_BYTES)
            throw new AppError("TOO_LARGE", `The interacts' outputs add up to more than ${MAX_STATIC_BYTES / 1024 / 1024} MB: too large to precompute.`);
          const list = frames.get(job.spec.id) ?? [];
          list.push({ interact: job.spec.id, key: job.key, msgId, messages });
          frames.set(job.spec.id, list);
        }
      }),
    );

    const played: TPrecomputed["interacts"] = [];
    for (const { spec } of eligible) {
      const list = frames.get(spec.id) ?? [];
      if (list.some((f) => makesInteracts(f.messages))) {
        frames.delete(spec.id);
        skipped.push({ id: spec.id, name: spec.name, reason: "it makes interacts of its own" });
      } else played.push({ id: spec.id, name: spec.name, frames: list.length });
    }
    if (played.length === 0) throw new AppError("INVALID", `None of this snippet's interacts can be precomputed: ${skipped[0]!.reason}.`);
    const kept = [...frames.values()].flat();
    const total = kept.reduce((n, f) => n + JSON.stringify(f.messages).length, 0);

    const db = getDb();
    await db.$transaction(
      async (tx) => {
        await tx.staticRun.deleteMany({ where: { snippetId: row.id, rev: revision.rev } });
        const run = await tx.staticRun.create({
          data: {
            snippetId: row.id,
            rev: revision.rev,
            messages: { cell: { msgId: first.msgId, file: main.path }, messages: first.messages } as object,
            interacts: played,
            bytes: total,
          },
        });
        for (let i = 0; i < kept.length; i += 100) {
          await tx.staticFrame.createMany({
            data: kept.slice(i, i + 100).map((f) => ({ runId: run.id, interact: f.interact, key: f.key, msgId: f.msgId, messages: f.messages as object[] })),
          });
        }
      },
      { timeout: 120_000 },
    );
    revalidateSnippet(options.owner.toLowerCase(), row.slug);
    return { rev: revision.rev, interacts: played, skipped, bytes: total };
  } finally {
    running = false;
    for (const { session, stream } of sessions) {
      stream.stop();
      await client.close({ session }).catch(() => undefined);
    }
  }
}
