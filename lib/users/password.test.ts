import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { HASHING_AT_ONCE, HASHING_QUEUE, hashPassword, verifyPassword } from "./password";

describe("password hashing", () => {
  it("checks a password against its hash", async () => {
    const stored = await hashPassword("correct horse");
    expect(await verifyPassword("correct horse", stored)).toBe(true);
    expect(await verifyPassword("wrong horse", stored)).toBe(false);
  });

  it("runs a bounded number of hashes: a flood beyond the queue is refused with a 503, the rest answer right", async () => {
    const stored = await hashPassword("pw-flood");
    const flood = 50;
    const results = await Promise.allSettled(Array.from({ length: flood }, (_, i) => verifyPassword(i % 2 ? "pw-flood" : "nope", stored)));
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused).toHaveLength(flood - HASHING_AT_ONCE - HASHING_QUEUE);
    for (const r of refused) {
      const reason = (r as PromiseRejectedResult).reason as unknown;
      expect(isAppError(reason) && reason.status).toBe(503);
      expect(String((reason as Error).message)).toMatch(/too many passwords at once/);
    }
    // Those let in give the right answer, in order of the request.
    results.forEach((r, i) => {
      if (r.status === "fulfilled") expect(r.value).toBe(i % 2 === 1);
    });
    // Once the flood has passed, hashing works again.
    expect(await verifyPassword("pw-flood", stored)).toBe(true);
  });
});
