import "server-only";
import { AppError } from "@/lib/errors";
import { getEnv } from "@/lib/env";

/*
 * Sign-in failures, per account and per address, answered with a short back-off instead of a
 * lock: after a few free failures each further one makes the next attempt wait 1 s, then 2, 4,
 * ... up to 30 s. A stranger hammering someone's account can thus delay its owner by at most
 * 30 s, never lock them out for minutes, while guessing is held to about two tries a minute.
 * A record lives 15 minutes after its latest failure; a success clears the account's.
 *
 * Hand-written rather than rate-limiter-flexible: the check and the count must be one
 * synchronous step, or attempts sent in parallel all pass the check before the first failure
 * is written (the library's stores answer through promises).
 */

const FORGET_AFTER_MS = 15 * 60_000;
/** Failures before waits begin: a typo or two costs nothing. Per address × RATE_LIMIT_SCALE. */
export const FREE_PER_ACCOUNT = 3;
export const FREE_PER_ADDRESS = 10;
export const MAX_WAIT_SECONDS = 30;
/** Records kept before expired ones are swept out. */
const SWEEP_ABOVE = 10_000;

type TRecord = { failures: number; waitUntil: number; lastAt: number };
const g = globalThis as unknown as { __cellarSignInBackoff?: Map<string, TRecord> };

/** Who is signing in: the account's username, and the client's address when known. */
export type TSignInKeys = { username: string; address: string | null };

/** Seconds to wait after the `failures`-th failure, given `free` free ones: 0, then 1, 2, 4, ... 30. */
export function waitAfter(failures: number, free: number): number {
  return failures <= free ? 0 : Math.min(MAX_WAIT_SECONDS, 2 ** (failures - free - 1));
}

function records(now: number): Map<string, TRecord> {
  const map = (g.__cellarSignInBackoff ??= new Map());
  if (map.size > SWEEP_ABOVE) for (const [k, r] of map) if (now - r.lastAt > FORGET_AFTER_MS) map.delete(k);
  return map;
}

function keysOf(k: TSignInKeys): { key: string; free: number }[] {
  return [
    { key: `user:${k.username}`, free: FREE_PER_ACCOUNT },
    ...(k.address ? [{ key: `addr:${k.address}`, free: FREE_PER_ADDRESS * getEnv().rateLimitScale }] : []),
  ];
}

function current(map: Map<string, TRecord>, key: string, now: number): TRecord {
  const r = map.get(key);
  return r && now - r.lastAt <= FORGET_AFTER_MS ? r : { failures: 0, waitUntil: 0, lastAt: now };
}

/**
 * Throws a 429 saying how long to wait when the account or the address is in a back-off.
 * Otherwise counts this attempt as a failure before the password is checked (in the same
 * synchronous step), so parallel attempts cannot slip in together; `signInSucceeded` takes it back.
 */
export function beginSignInAttempt(k: TSignInKeys): void {
  const now = Date.now();
  const map = records(now);
  const keys = keysOf(k);
  const until = Math.max(0, ...keys.map(({ key }) => current(map, key, now).waitUntil));
  if (until > now) {
    const seconds = Math.max(1, Math.ceil((until - now) / 1000));
    throw new AppError("RATE_LIMITED", `Too many failed sign-ins. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`, {
      details: { retryAfter: seconds },
    });
  }
  for (const { key, free } of keys) {
    const r = current(map, key, now);
    const failures = r.failures + 1;
    map.set(key, { failures, waitUntil: now + waitAfter(failures, free) * 1000, lastAt: now });
  }
}

/**
 * The password was wrong: the wait this attempt earned starts now, after the (slow) check, not
 * when the attempt began.
 */
export function signInFailed(k: TSignInKeys): void {
  const now = Date.now();
  const map = records(now);
  for (const { key, free } of keysOf(k)) {
    const r = map.get(key);
    if (r) map.set(key, { ...r, waitUntil: Math.max(r.waitUntil, now + waitAfter(r.failures, free) * 1000), lastAt: now });
  }
}

/**
 * The password was right: the account's failures and wait are forgotten; the address only gets
 * this attempt back (a stranger's own valid account must not wipe the address's record).
 */
export function signInSucceeded(k: TSignInKeys): void {
  const now = Date.now();
  const map = records(now);
  const [account, address] = keysOf(k);
  if (account) map.delete(account.key);
  if (address) giveBack(map, address, now);
}

/**
 * The password was never checked (the server was busy checking others: a 503): the attempt is
 * given back to the account and the address, so a busy server does not lock anyone out.
 */
export function signInNotChecked(k: TSignInKeys): void {
  const now = Date.now();
  const map = records(now);
  for (const key of keysOf(k)) giveBack(map, key, now);
}

function giveBack(map: Map<string, TRecord>, { key, free }: { key: string; free: number }, now: number): void {
  const r = current(map, key, now);
  const failures = Math.max(0, r.failures - 1);
  // The wait this attempt started ends with it; one earned before stays.
  map.set(key, { failures, waitUntil: waitAfter(failures, free) === 0 ? 0 : r.waitUntil, lastAt: r.lastAt });
}
