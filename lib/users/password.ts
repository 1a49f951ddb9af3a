import "server-only";
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { AppError } from "@/lib/errors";

/**
 * Password hashing with Node's built-in scrypt (no native add-on to install). Parameters are
 * stored with each hash, so they can be raised later without invalidating existing passwords.
 */

const N = 2 ** 15;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 64;

/**
 * scrypt runs on libuv's thread pool (4 threads by default), which file reads, DNS lookups and
 * zlib share: at most HASHING_AT_ONCE hashes run at a time, HASHING_QUEUE wait, and beyond that
 * a sign-in or sign-up is refused at once (503) rather than starving everything else.
 */
export const HASHING_AT_ONCE = 2;
export const HASHING_QUEUE = 32;

const g = globalThis as unknown as { __cellarHashing?: { running: number; waiting: (() => void)[] } };

/** How many password checks wait for a hashing slot now (for health figures and tests). */
export function hashingQueueLength(): number {
  return g.__cellarHashing?.waiting.length ?? 0;
}

async function withHashingSlot<T>(work: () => Promise<T>): Promise<T> {
  const slots = (g.__cellarHashing ??= { running: 0, waiting: [] });
  if (slots.running < HASHING_AT_ONCE) slots.running++;
  else if (slots.waiting.length < HASHING_QUEUE) await new Promise<void>((resolve) => slots.waiting.push(resolve));
  else throw new AppError("UNAVAILABLE", "The server is checking too many passwords at once. Try again in a few seconds.", { details: { retryAfter: 5 } });
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, so `running` counts it all along.
    const next = slots.waiting.shift();
    if (next) next();
    else slots.running--;
  }
}

function derive(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return withHashingSlot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(password.normalize("NFKC"), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
      }),
  );
}

/** scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly that at N=2^15, r=8, and refuses it. */
function memoryFor(n: number, r: number): number {
  return 128 * n * r * 2;
}

/** Hashes `password` as `scrypt$N$r$p$saltB64$hashB64`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, { N, r: R, p: P, maxmem: memoryFor(N, R) });
  return ["scrypt", N, R, P, salt.toString("base64"), key.toString("base64")].join("$");
}

/**
 * Whether `password` matches `stored` (a `hashPassword` result). Constant-time comparison;
 * a malformed or unsupported `stored` value is simply "no match".
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Bounds keep a corrupted row from asking for gigabytes of memory.
  if (![n, r, p].every(Number.isSafeInteger) || n < 2 || n > 2 ** 20 || (n & (n - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) {
    return false;
  }
  const salt = Buffer.from(parts[4] ?? "", "base64");
  const expected = Buffer.from(parts[5] ?? "", "base64");
  if (salt.length === 0 || expected.length < 16) return false;
  const actual = await derive(password, salt, expected.length, { N: n, r, p, maxmem: memoryFor(n, r) });
  return timingSafeEqual(actual, expected);
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as checking a real password, for when there is no account to check:
 * answering "wrong password" faster for unknown usernames would reveal which names exist.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  await verifyPassword(password, await dummyHash);
}
