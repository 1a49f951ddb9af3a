import "server-only";
import { AppError } from "@/lib/errors";
import { getEnv } from "@/lib/env";
import type { TRunner } from "./run-client-key";

/**
 * Open event streams per client (user, else address). Each holds a connection to the execution
 * service and a socket here for as long as the reader keeps it, so one client opening thousands
 * could exhaust both; a page needs one per Run panel. × RATE_LIMIT_SCALE.
 */
export const STREAMS_PER_CLIENT = 16;

const g = globalThis as unknown as { __cellarStreams?: Map<string, number> };

/** Whom a stream counts against: the user, else the address; requests naming neither share one count. */
function streamClientKey(runner: TRunner): string {
  if (runner.actor) return `user:${runner.actor.id}`;
  if (runner.address) return `addr:${runner.address}`;
  return "unknown";
}

/**
 * Takes one of the client's stream slots, or throws a 429 naming the cap. Returns the function
 * that gives it back; calling it more than once gives back only one.
 */
export function takeStreamSlot(runner: TRunner): () => void {
  const open = (g.__cellarStreams ??= new Map());
  const key = streamClientKey(runner);
  const cap = STREAMS_PER_CLIENT * getEnv().rateLimitScale;
  const count = open.get(key) ?? 0;
  if (count >= cap) {
    throw new AppError("RATE_LIMITED", `Too many open run streams (${cap}) from this client. Close some pages with running code and try again.`, {
      details: { retryAfter: 5 },
    });
  }
  open.set(key, count + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (open.get(key) ?? 1) - 1;
    if (left > 0) open.set(key, left);
    else open.delete(key);
  };
}
