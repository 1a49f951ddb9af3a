/**
 * What became of a queued job: it ran (`done`), it failed (`failed`, its error was handed to
 * `onError`), a newer job for the same key took its place before it started (`replaced`), or the
 * queue was full (`dropped`).
 */
export type TQueueOutcome = "done" | "failed" | "replaced" | "dropped";

type TJob = { run: () => Promise<void>; settle: (outcome: TQueueOutcome) => void };

/**
 * A queue that runs one job at a time and holds at most `limit` waiting jobs, one per key: a job
 * for a key that is already waiting replaces it (only a snippet's newest revision is worth a
 * thumbnail run), and a job for a new key while `limit` are waiting is dropped at once. Memory is
 * bounded by `limit` jobs, whatever the rate of pushes. Not `server-only`, so it is unit-tested
 * on its own.
 */
export function createPublicationQueue(options: { limit: number; onError: (key: string, e: unknown) => void }) {
  const waiting = new Map<string, TJob>();
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    for (let next = waiting.entries().next(); !next.done; next = waiting.entries().next()) {
      const [key, job] = next.value;
      waiting.delete(key);
      try {
        await job.run();
        job.settle("done");
      } catch (e) {
        options.onError(key, e);
        job.settle("failed");
      }
    }
    running = false;
  }

  return {
    /** Queues `run` under `key`; resolves with what became of it (never rejects). */
    push(key: string, run: () => Promise<void>): Promise<TQueueOutcome> {
      const previous = waiting.get(key);
      if (!previous && waiting.size >= options.limit) return Promise.resolve("dropped");
      return new Promise<TQueueOutcome>((settle) => {
        // A replacement keeps its key's place in line (Map order), so frequent edits cannot starve it.
        waiting.set(key, { run, settle });
        previous?.settle("replaced");
        if (!running) void drain();
      });
    },
    /** Jobs waiting (not counting the one running). */
    get waiting(): number {
      return waiting.size;
    },
  };
}
