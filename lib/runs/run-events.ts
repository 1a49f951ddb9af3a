import "server-only";
import type { TSessionEvent } from "@/lib/exec/protocol";
import { checkSessionId, fromExecError, type TExecClient } from "./exec-client";

/** How often an idle stream sends a comment line, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

const encoder = new TextEncoder();

/** One Server-Sent Event: `id:` is the message's seq, which the browser sends back on reconnect. */
export function sseEvent(m: TSessionEvent): string {
  // JSON never holds a raw newline, so the message is one `data:` line.
  return `id: ${m.seq}\ndata: ${JSON.stringify(m.message)}\n\n`;
}

/**
 * A session's messages after `after` as a Server-Sent Events byte stream. The first message is
 * awaited before the stream is returned, so an unknown or ended session is a 404 the caller can
 * answer with (an EventSource then stops instead of reconnecting forever). The stream ends after
 * the session's final `dead` status, or when `signal` aborts (the browser went away).
 */
export async function runEvents(options: { session: string; after: number | undefined; signal: AbortSignal; client: TExecClient }): Promise<ReadableStream<Uint8Array>> {
  checkSessionId(options.session);
  const upstream = new AbortController();
  const abort = () => upstream.abort();
  options.signal.addEventListener("abort", abort, { once: true });
  const iterator = options.client.events({ session: options.session, ...(options.after !== undefined ? { after: options.after } : {}), signal: upstream.signal })[Symbol.asyncIterator]();
  let pending: IteratorResult<TSessionEvent> | null;
  try {
    pending = await iterator.next();
  } catch (e) {
    upstream.abort();
    throw fromExecError(e);
  }
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    clearInterval(heartbeat);
    options.signal.removeEventListener("abort", abort);
    upstream.abort();
    void iterator.return?.(undefined).catch(() => undefined);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // retry: how long the browser waits before reconnecting after a dropped connection.
      controller.enqueue(encoder.encode("retry: 1000\n\n"));
      heartbeat = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(": keep-alive\n\n"));
        } catch {
          stop();
        }
      }, HEARTBEAT_MS);
    },
    async pull(controller) {
      try {
        const next = pending ?? (await iterator.next());
        pending = null;
        if (next.done) {
          stop();
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(sseEvent(next.value)));
      } catch (e) {
        stop();
        if (upstream.signal.aborted) controller.close();
        else controller.error(e);
      }
    },
    cancel() {
      stop();
    },
  });
}
