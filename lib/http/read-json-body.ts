/**
 * A request's JSON body, read with a size cap: for the servers that are plain node:http (the
 * execution service's API, the Jupyter API in the web server). No "server-only": the execution
 * service loads it outside Next. Each caller words the two refusals in its own error type.
 */
import type { Readable } from "node:stream";

export type TJsonBody = { ok: true; value: unknown } | { ok: false; problem: "too-large" | "not-json" };

/** The parsed body (an empty one is `{}`), or why not: more than `max` bytes (reading stops there), or not JSON. */
export async function readJsonBody(req: Readable, max: number): Promise<TJsonBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return { ok: false, problem: "too-large" };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: "not-json" };
  }
}
