import "server-only";
import { execClient, ExecError, type TExecClient } from "@/lib/exec/client";
import { HOST_LOST_MESSAGE } from "@/lib/exec/nats-client";
import { isDeadStatus, jupyterMessage, type TSessionEvent } from "@/lib/exec/protocol";
import { checkSessionId, fromExecError } from "./exec-client";

/** How often an idle stream sends a comment line, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

const encoder = new TextEncoder();

/** One Server-Sent Event: `id:` is the message's seq, which the browser sends back on reconnect. */
export function sseEvent(m: TSessionEvent): string {
  // JSON never holds a raw newline, so the message is one `data:` line.
  return `id: ${m.seq}\ndata: ${JSON.stringify(m.message)}\n\n`;
}

/** The words for a run whose execution service went away under it (its stream broke off). */
export const SERVICE_LOST_MESSAGE = "The execution service restarted; this run ended. Press Run again.";

/** What went away under a stream that broke off with `e`: its execution host (it stopped), else the service (it restarted). */
function lostWhat(e: unknown): "host" | "service" {
  return e instanceof ExecError && e.code === "HOST_LOST" ? "host" : "service";
}

/**
 * The final `dead` status the site sends in the service's place when the service's stream broke
 * off before the session's own: `reason: "lost"`, `lost` saying what went away (`host` or
 * `service`, for the page's words), and the words for API clients.
 */
export function lostServiceEnd(session: string, seq: number, lost: "host" | "service" = "service"): TSessionEvent {
  const message = lost === "host" ? HOST_LOST_MESSAGE : SERVICE_LOST_MESSAGE;
  return {
    seq,
    message: jupyterMessage({
      msgType: "status",
      msgId: `lost-${session}`,
      session,
      parent: {},
      metadata: { reason: "lost", lost, message },
      content: { execution_state: "dead" },
    }),
  };
}

/**
 * A session's messages after `after` as a Server-Sent Events byte stream. The first message is
 * awaited before the stream is returned, so an unknown or ended session is a 404 the caller can
 * answer with (an EventSource then stops instead of reconnecting forever). The stream ends after
 * the session's final `dead` status, or when `signal` aborts (the browser went away). When the
 * service's stream breaks off first (the service died), the stream ends with `lostServiceEnd`,
 * so the page says what happened instead of reconnecting to a session that no longer exists.
 */
export async function runEvents(options: {
  session: string;
  after: number | undefined;
  signal: AbortSignal;
  client?: TExecClient | undefined;
  /** Called once when the stream has ended, by any path. */
  onEnd?: () => void;
}): Promise<ReadableStream<Uint8Array>> {
  checkSessionId(options.session);
  const upstream = new AbortController();
  const abort = () => upstream.abort();
  options.signal.addEventListener("abort", abort, { once: true });
  const iterator = (options.client ?? execClient())
    .events({ session: options.session, ...(options.after !== undefined ? { after: options.after } : {}), signal: upstream.signal })
    [Symbol.asyncIterator]();
  let pending: IteratorResult<TSessionEvent> | null;
  // Why the stream broke off before the session's own end, when it did.
  let brokeOff: unknown;
  try {
    pending = await iterator.next();
  } catch (e) {
    upstream.abort();
    // Its host stopped before the reader came back: the stream says so, as it would have live.
    if (!(e instanceof ExecError && e.code === "HOST_LOST")) throw fromExecError(e);
    pending = { done: true, value: undefined };
    brokeOff = e;
  }
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let lastSeq = options.after ?? 0;
  let ended = false;
  const stop = () => {
    options.onEnd?.();
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
          if (!ended) controller.enqueue(encoder.encode(sseEvent(lostServiceEnd(options.session, lastSeq + 1, lostWhat(brokeOff)))));
          controller.close();
          return;
        }
        lastSeq = next.value.seq;
        const m = next.value.message;
        if (isDeadStatus(m)) ended = true;
        controller.enqueue(encoder.encode(sseEvent(next.value)));
      } catch (e) {
        // Aborted by us (the reader went away) before this catch, or broken off by the service.
        const readerLeft = upstream.signal.aborted;
        stop();
        if (readerLeft) controller.close();
        else {
          console.error(`The execution service's stream of session ${options.session} broke off`, e);
          if (!ended) controller.enqueue(encoder.encode(sseEvent(lostServiceEnd(options.session, lastSeq + 1, lostWhat(e)))));
          controller.close();
        }
      }
    },
    cancel() {
      stop();
    },
  });
}
