import "server-only";
import { getDb } from "@/lib/db/client";
import { ExecError, execClient, type TExecClient } from "@/lib/exec/client";
import { isDeadStatus, toNbOutput } from "@/lib/exec/protocol";
import { effectiveKernel } from "./kernel";
import { mainFileOf } from "./main-file";
import { saveThumbnail } from "./save-thumbnail";
import { imageFromBundle, mayDraw } from "./thumbnail-image";
import { createPublicationQueue, type TQueueOutcome } from "./publication-queue";

/*
 * Thumbnails come from two places:
 *  - the owner's own runs: the first image a session of the owner's shows (the main file's
 *    figure, or the first a later cell or an interact draws) becomes its revision's thumbnail;
 *  - publication: after a create or an edit that makes a revision, the site runs the main file
 *    once in the same sandbox Run uses, as if the owner pressed Run, and keeps its first image.
 *    This is done on the server rather than by the owner's page so that snippets published
 *    through the API, or never opened by their owner, get a thumbnail too. Only code that could
 *    draw (matplotlib, PIL, an image display, Sage's show and plots: `mayDraw`) is run, one
 *    publication at a time, so publishing costs the sandbox nothing for text-only snippets and
 *    bursts of publications queue up, in a line of bounded length (below).
 * Both skip when the execution service is unavailable; the web server's start-up sweep
 * (fill-missing-thumbnails.ts) or a later owner's run fills in.
 */

/** How long an owner's session is watched for its first image at most (a session's own lifetime). */
const WATCH_MS = 30 * 60_000;
/** Wall-clock seconds the publication run may take. */
const PUBLICATION_SECONDS = 20;

/** The first image of an owner's run (session `session`, at `rev`) becomes the revision's thumbnail. */
export function watchRunForThumbnail(options: { client: TExecClient; session: string; snippetId: string; rev: string }): void {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), WATCH_MS);
  void (async () => {
    for await (const { message } of options.client.events({ session: options.session, signal: abort.signal })) {
      if (isDeadStatus(message)) return;
      const output = toNbOutput(message);
      const image = output && "data" in output ? imageFromBundle(output.data) : null;
      if (image) {
        await saveThumbnail({ snippetId: options.snippetId, rev: options.rev, ...image });
        return;
      }
    }
  })()
    .catch((e: unknown) => {
      if (!abort.signal.aborted) console.error(`Watching run ${options.session} for a thumbnail failed`, e);
    })
    .finally(() => {
      clearTimeout(timer);
      abort.abort();
    });
}

/**
 * Publication runs waiting for the sandbox (one runs at a time). Each holds its revision's files
 * (up to 5 MB), so the line is short: a newer revision of a snippet takes its older one's place,
 * and a publication that finds 8 other snippets waiting gets no run: its revision has no
 * thumbnail until its owner runs it (watchRunForThumbnail).
 */
export const PUBLICATION_QUEUE_LIMIT = 8;

/*
 * One queue per process, kept on globalThis: the web server loads this module twice (inside
 * Next's bundles for publications, and in plain Node for its start-up sweep,
 * fill-missing-thumbnails.ts), and two queues would run two publication runs at once.
 */
const QUEUE_KEY = Symbol.for("cellar.publicationQueue");
type TPublicationQueue = ReturnType<typeof createPublicationQueue>;
const queue: TPublicationQueue = ((globalThis as { [QUEUE_KEY]?: TPublicationQueue })[QUEUE_KEY] ??= createPublicationQueue({
  limit: PUBLICATION_QUEUE_LIMIT,
  onError(snippetId, e) {
    // No service (a CLI seeding, a site without bubblewrap), all runners busy, or a Sage snippet on
    // a server without Sage: one line, no stack.
    if (e instanceof ExecError && (e.status === undefined || e.status === 503 || e.code === "UNKNOWN_KERNEL"))
      console.warn(`No publication thumbnail for snippet ${snippetId} yet (the site makes it when it next starts): ${e.message}`);
    else console.error(`The publication run of snippet ${snippetId} for its thumbnail failed`, e);
  },
}));

/**
 * Runs a just-published revision's main file in the background and keeps its first image as the
 * revision's thumbnail (see above). Resolves, never rejects, with what became of the run
 * (`skipped`: nothing that could draw; else the queue's outcome), for tests.
 */
export function thumbnailAtPublication(options: {
  client?: TExecClient;
  snippetId: string;
  rev: string;
  files: readonly { path: string; content: Uint8Array }[];
  mainFile: string | null;
  /** The owner's choice of kernel (null: from the main file, see kernel.ts). */
  kernel?: string | null;
}): Promise<TQueueOutcome | "skipped"> {
  const main = mainFileOf(
    options.files.map((f) => f.path),
    options.mainFile,
  );
  const file = options.files.find((f) => f.path === main);
  const code = file && /\.(py|sage)$/.test(file.path) ? new TextDecoder().decode(file.content) : null;
  if (!file || !code || !options.files.some((f) => /\.(py|sage)$/.test(f.path) && mayDraw(new TextDecoder().decode(f.content))))
    return Promise.resolve("skipped");
  const outcome = queue.push(options.snippetId, async () => {
    const result = await (options.client ?? execClient()).runToCompletion({
      files: options.files.map((f) => ({ path: f.path, content: f.content })),
      code,
      filename: file.path,
      timeout: PUBLICATION_SECONDS,
      client: `thumbnail:${options.snippetId}`,
      kernel: effectiveKernel(options.kernel, main),
    });
    for (const output of result.outputs) {
      const image = "data" in output ? imageFromBundle(output.data) : null;
      if (image) {
        await saveThumbnail({ snippetId: options.snippetId, rev: options.rev, ...image });
        return;
      }
    }
    // Ran to its end (or to its own error) and drew nothing: the start-up sweep leaves this
    // revision alone. A run cut short by a time or memory limit may draw another time.
    if (result.status === "ok" || result.status === "error")
      await getDb().snippet.updateMany({ where: { id: options.snippetId }, data: { thumbnailTriedRev: options.rev } });
  });
  void outcome.then((o) => {
    if (o === "dropped")
      console.warn(`No publication thumbnail for snippet ${options.snippetId}: ${PUBLICATION_QUEUE_LIMIT} publications are already waiting for the sandbox`);
  });
  return outcome;
}
