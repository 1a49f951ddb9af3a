import { z } from "zod";
import { openRunStream } from "@/lib/runs/open-run-stream";
import { parseQuery } from "../../../_lib/query";
import { runApi } from "../../_lib/run-api";

// A live stream: never cached, never prerendered.
export const dynamic = "force-dynamic";

const ZSeq = z.coerce.number({ error: "after must be a message number." }).int("after must be a message number.").min(0, "after must be a message number.");
const ZEventsQuery = z.object({ after: ZSeq.optional() });

/**
 * The session's Jupyter messages as Server-Sent Events, `id:` = the message's seq. A client
 * that reconnects (an EventSource does so by itself, sending Last-Event-ID) or passes `after`
 * gets only the messages after that one. The stream ends when the session does. Each client
 * holds at most STREAMS_PER_CLIENT open at once (a 429 beyond).
 */
export const GET = runApi<{ session: string }>(async (request, { params, runner }) => {
  const { after: fromQuery } = parseQuery(request, ZEventsQuery);
  const header = request.headers.get("last-event-id");
  const fromHeader = header !== null && header.trim() !== "" ? ZSeq.safeParse(header.trim()).data : undefined;
  const seen = [fromQuery, fromHeader].filter((n): n is number => n !== undefined);
  const after = seen.length > 0 ? Math.max(...seen) : undefined;
  const stream = await openRunStream({ session: params.session, after, signal: request.signal, runner });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform: Next's compression (and proxies) must not buffer the stream.
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
});
