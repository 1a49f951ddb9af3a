/**
 * Where a scatter job's tasks wait for a worker (scatter.ts). Behind an interface so that a
 * shared work queue (a NATS JetStream stream with acks, for several hosts) can replace the local
 * one: a task taken is the worker's until its outcome is recorded or it is put back.
 */

/** One task of a job: its pickled `(args, kwargs)` (base64, opaque here) and how often it was lost with its worker. */
export type TTask = {
  job: string;
  index: number;
  args: string;
  attempts: number;
  state: "queued" | "running" | "done" | "failed" | "cancelled";
};

export interface TaskSource {
  /** Adds tasks at the end of `job`'s queue. */
  push(job: string, tasks: TTask[]): void;
  /** Puts tasks back at the front of their job's queue (a lost worker's, or the rest of a batch that ended early). */
  requeue(job: string, tasks: TTask[]): void;
  /** Takes up to `max` of `job`'s tasks, oldest first. */
  take(job: string, max: number): TTask[];
  /** Drops `job`'s queued tasks and returns them. */
  drop(job: string): TTask[];
  /** How many of `job`'s tasks wait. */
  size(job: string): number;
}

/** The single-host queue: one array per job, in this process. */
export class LocalTaskQueue implements TaskSource {
  private readonly queues = new Map<string, TTask[]>();

  push(job: string, tasks: TTask[]): void {
    const q = this.queues.get(job) ?? [];
    for (const t of tasks) q.push(t);
    this.queues.set(job, q);
  }

  requeue(job: string, tasks: TTask[]): void {
    const q = this.queues.get(job) ?? [];
    q.unshift(...tasks);
    this.queues.set(job, q);
  }

  take(job: string, max: number): TTask[] {
    const q = this.queues.get(job);
    if (!q || max <= 0) return [];
    return q.splice(0, max);
  }

  drop(job: string): TTask[] {
    const q = this.queues.get(job) ?? [];
    this.queues.delete(job);
    return q;
  }

  size(job: string): number {
    return this.queues.get(job)?.length ?? 0;
  }
}
