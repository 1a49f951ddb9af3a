import { describe, expect, it } from "vitest";
import { createPublicationQueue } from "./publication-queue";

/** A job that runs until `finish()` is called, and remembers that it started. */
function gate() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const job = { started: false, finish: () => finish(), run: async () => ((job.started = true), await done) };
  return job;
}

describe("createPublicationQueue", () => {
  it("holds at most `limit` waiting jobs behind the running one and drops the rest at once", async () => {
    const errors: string[] = [];
    const queue = createPublicationQueue({ limit: 3, onError: (key) => errors.push(key) });
    const jobs = Array.from({ length: 10 }, gate);
    const outcomes = jobs.map((job, i) => queue.push(`snippet-${i}`, job.run));

    // The first runs, three wait, the other six are refused without running.
    expect(queue.waiting).toBe(3);
    expect(await Promise.all(outcomes.slice(4))).toEqual(Array(6).fill("dropped"));
    expect(jobs.map((j) => j.started)).toEqual([true, ...Array(9).fill(false)]);

    // Draining in order runs every kept job, one at a time.
    for (const job of jobs.slice(0, 4)) {
      expect(job.started).toBe(true);
      job.finish();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(outcomes.slice(0, 4))).toEqual(["done", "done", "done", "done"]);
    expect(jobs.slice(4).some((j) => j.started)).toBe(false);
    expect(queue.waiting).toBe(0);
    expect(errors).toEqual([]);
  });

  it("lets a newer job for a waiting key take its place, and reports a failure without stopping", async () => {
    const errors: string[] = [];
    const queue = createPublicationQueue({ limit: 2, onError: (key) => errors.push(key) });
    const first = gate();
    const running = queue.push("a", first.run);
    const older = queue.push("b", async () => {
      throw new Error("never runs");
    });
    const failing = queue.push("c", async () => {
      throw new Error("the sandbox said no");
    });
    const newer = gate();
    const replacing = queue.push("b", newer.run);
    // Full (b and c wait), yet the replacement for b was taken, and a new key is dropped.
    expect(await queue.push("d", async () => {})).toBe("dropped");
    expect(await older).toBe("replaced");

    first.finish();
    expect(await running).toBe("done");
    await new Promise((r) => setImmediate(r));
    expect(newer.started).toBe(true);
    newer.finish();
    expect(await replacing).toBe("done");
    expect(await failing).toBe("failed");
    expect(errors).toEqual(["c"]);

    // Idle again: the next job runs straight away.
    expect(await queue.push("e", async () => {})).toBe("done");
  });
});
