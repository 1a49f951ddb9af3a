import "server-only";
import { execClient } from "@/lib/exec/client";
import type { TExecClient } from "@/lib/exec/client";
import type { TRunner } from "./run-client-key";
import { runEvents } from "./run-events";
import { takeStreamSlot } from "./stream-slots";

/**
 * A session's event stream for `runner`, counted against the runner's open streams
 * (stream-slots.ts: a 429 past the cap). The slot is given back when the stream ends by any
 * path: the session's end, the reader going away (`signal`), or an error before it opened.
 */
export async function openRunStream(options: {
  session: string;
  after: number | undefined;
  signal: AbortSignal;
  runner: TRunner;
  client?: TExecClient | undefined;
}): Promise<ReadableStream<Uint8Array>> {
  const release = takeStreamSlot(options.runner);
  options.signal.addEventListener("abort", release, { once: true });
  try {
    return await runEvents({ session: options.session, after: options.after, signal: options.signal, client: options.client ?? execClient(), onEnd: release });
  } catch (e) {
    release();
    throw e;
  }
}
