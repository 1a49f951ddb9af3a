import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "@/lib/errors";
import { getEnv } from "@/lib/env";

/*
 * In-process rate limits (rate-limiter-flexible). One server process owns the site, so memory
 * is the right store; several processes would move these to Postgres or Redis.
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

/** Spends one point of `name` for `key`; past the limit throws a 429 saying when to retry. */
export async function consume(name: keyof typeof LIMITS, key: string): Promise<void> {
  const [points, duration] = LIMITS[name];
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
  const [points, duration] = LIMITS[name];
  await limiter(name, points, duration).reward(key, 1);
}

/**
 * [points, seconds]: sign-in 10 per account and 30 per address in 15 minutes; sign-up 20 per
 * address an hour, and 300 an hour in all when addresses are unknown. Run (a session, a cell or
 * a blocking execution) 60 a minute per user or address, 600 a minute in all for visitors whose
 * address is unknown (the service's queue and per-client cap bound the work itself). Interact
 * updates 1200 a minute per user or address (a dragged slider sends one after another), 12,000
 * in all for unknown addresses (each session runs one update at a time and queues a bounded number).
 * Comments 10 a minute and 100 a day per user: enough for a review, too few to flood a page.
 * Comment previews 120 a minute per user: one per press of Preview, far more than a writer
 * needs, while a script cannot use the renderer as free CPU.
 */
const LIMITS = {
  signin: [10, 15 * 60],
  "signin-ip": [30, 15 * 60],
  signup: [20, 60 * 60],
  "signup-all": [300, 60 * 60],
  write: [120, 60],
  exec: [60, 60],
  "exec-all": [600, 60],
  interact: [1200, 60],
  "interact-all": [12_000, 60],
  comment: [10, 60],
  "comment-day": [100, 24 * 60 * 60],
  "comment-preview": [120, 60],
} as const satisfies Record<string, readonly [number, number]>;

/**
 * The client's address when a trusted reverse proxy names it (TRUST_PROXY=1 and
 * X-Forwarded-For), else null: Next.js does not expose the socket's address to route code,
 * and a header a client sets itself must not pick its own rate-limit bucket.
 */
export function clientAddress(headers: Headers | Record<string, string | string[] | undefined> | undefined): string | null {
  if (!headers || !getEnv().trustProxy) return null;
  const raw = headers instanceof Headers ? headers.get("x-forwarded-for") : ([] as (string | undefined)[]).concat(headers["x-forwarded-for"])[0];
  return raw?.split(",")[0]?.trim() || null;
}
