import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "@/lib/errors";
import { getEnv } from "@/lib/env";

/*
 * In-process rate limits (rate-limiter-flexible). One server process owns the site, so memory
 * is the right store; several processes would move these to Postgres or Redis. Every limit's
 * points are multiplied by RATE_LIMIT_SCALE (default 1), which only test suites raise: all their
 * clients share 127.0.0.1.
 */
const g = globalThis as unknown as { __cellarLimiters?: Map<string, RateLimiterMemory> };

function limiter(name: string, points: number, durationSeconds: number): RateLimiterMemory {
  g.__cellarLimiters ??= new Map();
  let l = g.__cellarLimiters.get(name);
  if (!l) {
    l = new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });
    g.__cellarLimiters.set(name, l);
  }
  return l;
}

/** A limit's points and window, its points multiplied by RATE_LIMIT_SCALE. */
function limitOf(name: keyof typeof LIMITS): [points: number, seconds: number] {
  const [points, duration] = LIMITS[name];
  return [points * getEnv().rateLimitScale, duration];
}

/** Spends one point of `name` for `key`; past the limit throws a 429 saying when to retry. */
export async function consume(name: keyof typeof LIMITS, key: string): Promise<void> {
  const [points, duration] = limitOf(name);
  try {
    await limiter(name, points, duration).consume(key);
  } catch (e) {
    if (e instanceof RateLimiterRes) {
      const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw new AppError("RATE_LIMITED", `Too many attempts. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`, {
        details: { retryAfter: seconds },
      });
    }
    throw e;
  }
}

/** Gives back a point `consume` spent, for a request refused before it cost anything. */
export async function refund(name: keyof typeof LIMITS, key: string): Promise<void> {
  const [points, duration] = limitOf(name);
  await limiter(name, points, duration).reward(key, 1);
}

/**
 * [points, seconds], per client: a user, else the address `clientAddress` gives (the socket's, or
 * the one a trusted proxy appended). The `-all` buckets are only a fallback for a request that
 * names no address at all (one that did not come through our server). Sign-up 20 per address an
 * hour. Run (a session, a cell or a blocking execution) 60 a minute (the service's queue and
 * per-client cap bound the work itself). Interact updates 1200 a minute (a dragged slider sends
 * one after another; each session runs one update at a time and queues a bounded number).
 * Sign-in failures have their own back-off (signin-backoff.ts), not a points budget.
 * Writes 120 a minute per user; a visitor's short links (lib/cells) spend the same budget by address.
 * Comments 10 a minute and 100 a day per user: enough for a review, too few to flood a page.
 * Reads over git (clone and fetch requests, lib/snippets/serve-git.ts) 600 a minute per address:
 * a clone is two or three requests. Pushes spend `write`, like every other change.
 * Comment previews 120 a minute per user: one per press of Preview, far more than a writer
 * needs, while a script cannot use the renderer as free CPU.
 */
const LIMITS = {
  signup: [20, 60 * 60],
  "signup-all": [300, 60 * 60],
  write: [120, 60],
  "write-all": [1200, 60],
  read: [600, 60],
  "read-all": [6000, 60],
  exec: [60, 60],
  "exec-all": [600, 60],
  interact: [1200, 60],
  "interact-all": [12_000, 60],
  comment: [10, 60],
  "comment-day": [100, 24 * 60 * 60],
  "comment-preview": [120, 60],
} as const satisfies Record<string, readonly [number, number]>;
