/**
 * Sign-in through lib/auth (the function next-auth's credentials provider calls) against the
 * real database: failures lead to a short back-off per account and per address, never a long
 * lock a stranger could impose; attempts sent together cannot slip past it; a success clears it.
 */
import { describe, expect, it } from "vitest";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { FREE_PER_ACCOUNT, FREE_PER_ADDRESS, MAX_WAIT_SECONDS, waitAfter } from "@/lib/auth/signin-backoff";
import { isAppError } from "@/lib/errors";
import { createUser } from "@/lib/users/create-user";
import { HASHING_AT_ONCE, HASHING_QUEUE, hashingQueueLength } from "@/lib/users/password";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

const PASSWORD = "correct horse battery";

async function newAccount(): Promise<string> {
  return (await createUser({ username: uniqueName("signin"), password: PASSWORD })).username;
}

/** A fresh documentation address (RFC 5737) per call, so tests do not share address records. */
let n = 0;
const freshAddress = () => `198.51.100.${++n}`;

/** The attempt's outcome as a reader sees it: signed in, wrong password, or the 429's wait in seconds. */
async function attempt(username: string, password: string, address: string): Promise<"in" | "wrong" | "busy" | { wait: number; message: string }> {
  try {
    return (await signInWithPassword({ username, password, address })) ? "in" : "wrong";
  } catch (e) {
    if (isAppError(e) && e.status === 429) return { wait: e.details?.retryAfter as number, message: e.message };
    if (isAppError(e) && e.status === 503) return "busy";
    throw e;
  }
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

describe("sign-in back-off", () => {
  it("a stranger's failures delay the real user by a few seconds at most; then the right password works and clears them", async () => {
    const victim = await newAccount();
    const stranger = freshAddress();
    for (let i = 0; i < FREE_PER_ACCOUNT; i++) expect(await attempt(victim, `guess-${i}`, stranger)).toBe("wrong");
    // One failure past the free ones: the account waits 1 s, whoever asks.
    expect(await attempt(victim, "guess-x", stranger)).toBe("wrong");
    const refused = await attempt(victim, PASSWORD, freshAddress());
    expect(refused).toEqual({ wait: 1, message: "Too many failed sign-ins. Try again in 1 second." });
    await sleep(1.1);
    expect(await attempt(victim, PASSWORD, freshAddress())).toBe("in");
    // The success cleared the account's record: the next mistakes are free again.
    for (let i = 0; i < FREE_PER_ACCOUNT; i++) expect(await attempt(victim, `typo-${i}`, freshAddress())).toBe("wrong");
  });

  it("attempts sent all at once cannot slip past the back-off", async () => {
    const victim = await newAccount();
    const burst = 10;
    const results = await Promise.all(Array.from({ length: burst }, (_, i) => attempt(victim, `guess-${i}`, freshAddress())));
    // The free failures and the one that starts the wait are checked; the rest are refused unchecked.
    expect(results.filter((r) => r === "wrong")).toHaveLength(FREE_PER_ACCOUNT + 1);
    expect(results.filter((r) => typeof r === "object")).toHaveLength(burst - FREE_PER_ACCOUNT - 1);
  });

  it("one address trying many accounts is held back, while the same accounts still work from elsewhere", async () => {
    const sprayer = freshAddress();
    const accounts = await Promise.all(Array.from({ length: FREE_PER_ADDRESS + 1 }, () => newAccount()));
    for (const account of accounts.slice(0, FREE_PER_ADDRESS)) expect(await attempt(account, "password1", sprayer)).toBe("wrong");
    expect(await attempt(accounts[FREE_PER_ADDRESS]!, "password1", sprayer)).toBe("wrong");
    const last = accounts[FREE_PER_ADDRESS]!;
    expect(await attempt(last, PASSWORD, sprayer)).toMatchObject({ wait: 1 });
    // The account itself has one failure only: its owner, elsewhere, signs in at once.
    expect(await attempt(last, PASSWORD, freshAddress())).toBe("in");
  });

  it("attempts refused unchecked while the server is busy hashing (503) are not failures", async () => {
    const victim = await newAccount();
    // Sign-ins for unknown names still hash (lib/users/password.ts burnPasswordCheck): enough of
    // them fill the slots and the queue, so the victim's attempts behind them are refused.
    await attempt(uniqueName("nobody"), "x", freshAddress()); // makes the dummy hash those checks compare with
    const burst = Array.from({ length: HASHING_AT_ONCE + HASHING_QUEUE + 40 }, () => attempt(uniqueName("nobody"), "x", freshAddress()));
    // Until the queue is full.
    for (let i = 0; i < 1000 && hashingQueueLength() < HASHING_QUEUE; i++) await sleep(0.005);
    // One after another: each is refused at once, and given back before the next begins.
    const outcomes = [];
    for (let i = 0; i < 8; i++) outcomes.push(await attempt(victim, `guess-${i}`, freshAddress()));
    await Promise.all(burst);
    const busy = outcomes.filter((o) => o === "busy").length;
    expect(busy, `outcomes: ${JSON.stringify(outcomes)}`).toBeGreaterThanOrEqual(8 - FREE_PER_ACCOUNT);
    // Only the checked ones counted, at most the free ones: the owner signs in at once.
    expect(await attempt(victim, PASSWORD, freshAddress())).toBe("in");
  });

  it("waits double from 1 s and stop at 30 s, however many failures", () => {
    const waits = Array.from({ length: 12 }, (_, i) => waitAfter(FREE_PER_ACCOUNT + i, FREE_PER_ACCOUNT));
    expect(waits).toEqual([0, 1, 2, 4, 8, 16, 30, 30, 30, 30, 30, 30]);
    expect(waitAfter(10_000, FREE_PER_ACCOUNT)).toBe(MAX_WAIT_SECONDS);
  });
});
