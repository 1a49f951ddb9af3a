/**
 * scatter/gather on one host (docs/exec.md, "Scatter/gather"): a cell's `scatter(f, tasks)`
 * becomes a job here; its tasks run in worker sessions (same kernel, sandbox and limits as any
 * session, with the requesting session's files) started through the Registry from free
 * capacity only. The cell reads results with `scatter.poll`; the page sees the job's progress
 * as a `display_data` of `application/vnd.cellar.job+json` on the requesting session's stream.
 *
 * Pickled functions, arguments and results are base64 text here, passed through untouched:
 * they are only ever unpickled inside sandboxes.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { JOB_MIME, type TSessionEvent } from "@/lib/exec/protocol";
import { RequestError, type CellRequests, type TRequestCell, type TRequester } from "@/lib/exec/service/cell-requests";
import type { Registry } from "@/lib/exec/service/registry";
import { LocalTaskQueue, type TaskSource, type TTask } from "@/lib/exec/service/scatter-queue";
import type { Session } from "@/lib/exec/service/session";

/** The MIME type of a job's progress in the page. */
/** The MIME type of a task's outcome, sent by worker sessions only (cellar_kernel/worker.py). */
export const TASK_MIME = "application/vnd.cellar.task+json";

export type TScatterConfig = {
  /** Workers per job, and per client over all its jobs (EXEC_SCATTER_WORKERS; default: cores). */
  workers: number;
  /** Tasks running at once per session, over all its jobs (EXEC_SCATTER_MAX, 64). */
  maxInFlight: number;
  /** Tasks a session may have unfinished over all its jobs (EXEC_SCATTER_QUEUE, 10000): scatter past it is refused. */
  maxQueued: number;
  /** CPU seconds of all a job's workers together (EXEC_SCATTER_CPU_SECONDS, 600): past it the job stops. */
  cpuSecondsPerJob: number;
  /** The per-cell limits of the workers (they bound a batch). */
  wallSeconds: number;
  outputBytes: number;
};

/** Progress updates per second at most, per job. */
const PROGRESS_PER_SECOND = 10;
/** The longest a poll waits for a result, and what one answer carries at most of results. */
const MAX_POLL_WAIT_SECONDS = 5;
const MAX_POLL_BYTES = 3 << 20;
/** A job keeps at most this many bytes of results the cell has not read (past it, workers pause). */
const MAX_UNREAD_BYTES = 16 << 20;
/** Jobs a session may have running at once. */
const MAX_JOBS_PER_SESSION = 16;
/** The most tasks in one worker cell, and the share of the worker's wall clock a batch aims for. */
const MAX_BATCH = 64;
const BATCH_WALL_SHARE = 0.25;
/** After a worker failed to start, how long before the next try. */
const WORKER_RETRY_MS = 1000;
/** How long an idle worker of a job whose tasks may still come is kept. */
const WORKER_LINGER_MS = 2000;

type TResult = { index: number; ok: true; value: string } | { index: number; ok: false; ename: string; evalue: string; traceback: string[] };

const ZTaskOutcome = z.union([
  z.object({ job: z.string(), index: z.number().int().nonnegative(), ok: z.literal(true), value: z.string() }),
  z.object({
    job: z.string(),
    index: z.number().int().nonnegative(),
    ok: z.literal(false),
    ename: z.string().max(1000),
    evalue: z.string().max(100_000),
    traceback: z.array(z.string().max(100_000)).max(1000),
  }),
]);

/** Pickles travel as base64 text (and are written into the workers' cells as string literals). */
const ZBase64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64 text");
const ZCreate = z.object({ fn: ZBase64.min(1), total: z.number().int().nonnegative() });
const ZAdd = z.object({ job: z.string(), tasks: z.array(ZBase64), last: z.boolean().optional() });
const ZPoll = z.object({ job: z.string(), after: z.number().int().nonnegative(), wait: z.number().min(0).max(60).optional() });
const ZCancel = z.object({ job: z.string() });

type TJobState = "running" | "done" | "cancelled" | "stopped";

type TBatch = { msgId: string; tasks: TTask[]; reported: Set<number>; cpuAtStart: number };

class Worker {
  loaded = false;
  batch: TBatch | null = null;
  /** Ended by the job (done, cancelled): its death is no task's. */
  retired = false;
  lingerTimer: NodeJS.Timeout | null = null;
  unsubscribe: () => void = () => {};
  constructor(
    readonly session: Session,
    readonly job: Job,
  ) {}
}

class Job {
  readonly tasks: TTask[] = [];
  readonly results: TResult[] = [];
  /** Bytes of result values kept for the cell (those it has not read). */
  resultBytes = 0;
  /** Results before this index have been read: their values are dropped. */
  freed = 0;
  done = 0;
  failed = 0;
  last = false;
  state: TJobState = "running";
  reason = "";
  cpuUsed = 0;
  readonly workers = new Set<Worker>();
  starting = 0;
  /** No worker is started for the job before this time (after one failed to start). */
  retryAt = 0;
  readonly waiters = new Set<() => void>();
  progressTimer: NodeJS.Timeout | null = null;
  progressAt = 0;
  /** Mean seconds per task so far (sizes batches), null before the first batch ends. */
  secondsPerTask: number | null = null;

  constructor(
    readonly id: string,
    readonly owner: TRequester,
    readonly cell: TRequestCell,
    readonly fn: string,
    readonly total: number,
  ) {}

  get running(): number {
    let n = 0;
    for (const w of this.workers) n += w.batch ? w.batch.tasks.length - w.batch.reported.size : 0;
    return n;
  }
}

export type TScatterOptions = {
  registry: Registry;
  requests: CellRequests;
  config: TScatterConfig;
  /** Where tasks wait (default: this process's queue). */
  source?: TaskSource;
  log?: (line: string) => void;
};

/** The jobs of one service, their workers, and the `scatter.*` service requests. */
export class ScatterManager {
  private readonly jobs = new Map<string, Job>();
  private readonly source: TaskSource;
  private readonly config: TScatterConfig;
  private readonly log: (line: string) => void;
  private readonly stopRoom: () => void;
  private closed = false;
  private pumping = false;
  private pumpAgain = false;

  constructor(private readonly o: TScatterOptions) {
    this.source = o.source ?? new LocalTaskQueue();
    this.config = o.config;
    this.log = o.log ?? (() => {});
    o.requests.register("scatter.create", (from, cell, content) => this.create(from, cell, content));
    o.requests.register("scatter.add", (from, _cell, content) => this.add(from, content));
    o.requests.register("scatter.poll", (from, _cell, content) => this.poll(from, content));
    o.requests.register("scatter.cancel", (from, _cell, content) => this.cancelRequest(from, content));
    this.stopRoom = o.registry.onRoom(() => this.pump());
  }

  /** Jobs and workers now (tests, /health). */
  stats(): { jobs: number; workers: number } {
    let workers = 0;
    for (const job of this.jobs.values()) workers += job.workers.size;
    return { jobs: this.jobs.size, workers };
  }

  /** The worker sessions of `job` (tests). */
  workersOf(job: string): Session[] {
    return [...(this.jobs.get(job)?.workers ?? [])].map((w) => w.session);
  }

  /** The ids of the live jobs (tests). */
  jobIds(): string[] {
    return [...this.jobs.keys()];
  }

  // ── requests ────────────────────────────────────────────────────────────────────────────

  private parse<T>(schema: z.ZodType<T>, op: string, content: unknown): T {
    const parsed = schema.safeParse(content);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RequestError("BAD_REQUEST", `${op}: ${issue?.path.join(".") || "request"}: ${issue?.message ?? "invalid"}`);
    }
    return parsed.data;
  }

  private jobOf(from: TRequester, id: string): Job {
    const job = this.jobs.get(id);
    // Another session's job is not there for this one.
    if (!job || job.owner.id !== from.id) throw new RequestError("NO_SUCH_JOB", `there is no scatter job ${id} in this session`);
    return job;
  }

  private create(from: TRequester, cell: TRequestCell, content: unknown): { job: string } {
    if (this.closed) throw new RequestError("UNAVAILABLE", "the execution service is shutting down");
    if (from.role === "worker") throw new RequestError("FORBIDDEN", "a scatter task cannot start a scatter job of its own");
    const { fn, total } = this.parse(ZCreate, "scatter", content);
    const mine = [...this.jobs.values()].filter((j) => j.owner.id === from.id && j.state === "running");
    if (mine.length >= MAX_JOBS_PER_SESSION) {
      throw new RequestError("TOO_MANY_JOBS", `scatter: this session already has ${MAX_JOBS_PER_SESSION} jobs running; wait for or cancel one`);
    }
    const unfinished = mine.reduce((n, j) => n + (j.total - j.done), 0);
    if (unfinished + total > this.config.maxQueued) {
      throw new RequestError(
        "QUEUE_FULL",
        `scatter: ${total} tasks is more than this session may have waiting (at most ${this.config.maxQueued} unfinished tasks` +
          (unfinished > 0 ? `, ${unfinished} already` : "") +
          "); scatter fewer at once",
      );
    }
    const job = new Job(randomBytes(9).toString("base64url"), from, cell, fn, total);
    this.jobs.set(job.id, job);
    from.onceEnded(() => this.finish(job, "cancelled", "the session that started it ended"));
    if (total === 0) job.last = true;
    this.progress(job);
    this.checkDone(job);
    return { job: job.id };
  }

  private add(from: TRequester, content: unknown): Record<string, never> {
    const { job: id, tasks, last } = this.parse(ZAdd, "scatter.add", content);
    const job = this.jobOf(from, id);
    if (job.last) throw new RequestError("BAD_REQUEST", "scatter.add: the job has all its tasks already");
    if (job.tasks.length + tasks.length > job.total) throw new RequestError("BAD_REQUEST", `scatter.add: more tasks than the ${job.total} announced`);
    // Checked before anything is queued: a refused add leaves the job as it was.
    if (last && job.tasks.length + tasks.length !== job.total) {
      throw new RequestError("BAD_REQUEST", `scatter.add: ${job.tasks.length + tasks.length} tasks, ${job.total} announced`);
    }
    if (job.state !== "running") return {};
    const added = tasks.map((args, i): TTask => ({ job: job.id, index: job.tasks.length + i, args, attempts: 0, state: "queued" }));
    job.tasks.push(...added);
    this.source.push(job.id, added);
    if (last) job.last = true;
    this.pump();
    return {};
  }

  private async poll(from: TRequester, content: unknown): Promise<Record<string, unknown>> {
    const { job: id, after, wait } = this.parse(ZPoll, "scatter.poll", content);
    const job = this.jobOf(from, id);
    if (after > job.results.length) throw new RequestError("BAD_REQUEST", "scatter.poll: after is past the results");
    if (after === job.results.length && job.state === "running" && (wait ?? 0) > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(wait ?? 0, MAX_POLL_WAIT_SECONDS) * 1000);
        function done() {
          clearTimeout(timer);
          job.waiters.delete(done);
          resolve();
        }
        job.waiters.add(done);
      });
    }
    // The cell has the results before `after` (it asks past them only once it has them): their
    // values are no longer kept.
    for (; job.freed < after; job.freed++) {
      const r = job.results[job.freed];
      if (r?.ok) {
        job.resultBytes -= r.value.length;
        job.results[job.freed] = { ...r, value: "" };
      }
    }
    const results: TResult[] = [];
    let bytes = 0;
    for (const r of job.results.slice(after)) {
      const size = r.ok ? r.value.length : r.evalue.length + r.traceback.reduce((n, l) => n + l.length, 0);
      if (results.length > 0 && bytes + size > MAX_POLL_BYTES) break;
      results.push(r);
      bytes += size;
    }
    if (job.freed > 0) this.pump(); // workers paused for unread results may go on
    return { results, done: job.done, failed: job.failed, total: job.total, state: job.state, reason: job.reason, cpu_seconds: this.cpuOf(job) };
  }

  private cancelRequest(from: TRequester, content: unknown): Record<string, unknown> {
    const { job: id } = this.parse(ZCancel, "scatter.cancel", content);
    const job = this.jobOf(from, id);
    this.finish(job, "cancelled", "cancelled");
    return { results: [], done: job.done, failed: job.failed, total: job.total, state: job.state, reason: job.reason };
  }

  // ── scheduling ──────────────────────────────────────────────────────────────────────────

  /** Starts workers and hands out batches while there is work, room and budget. */
  pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        for (const job of this.jobs.values()) {
          if (job.state !== "running") continue;
          for (const w of job.workers) if (!w.batch) this.dispatch(w);
          this.grow(job);
        }
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  /** Tasks running now for the session `owner`, over all its jobs. */
  private inFlight(owner: string): number {
    let n = 0;
    for (const job of this.jobs.values()) if (job.owner.id === owner) n += job.running;
    return n;
  }

  private workersOfClient(client: string): number {
    let n = 0;
    for (const job of this.jobs.values()) if (job.owner.client === client) n += job.workers.size + job.starting;
    return n;
  }

  /** Starts one more worker for `job` when its queue has more than its workers can take. */
  private grow(job: Job): void {
    const queued = this.source.size(job.id);
    const idle = [...job.workers].filter((w) => !w.batch).length;
    if (queued === 0 || idle > 0 || job.starting > 0 || Date.now() < job.retryAt) return;
    if (job.workers.size >= this.config.workers || this.workersOfClient(job.owner.client) >= this.config.workers) return;
    if (job.workers.size > 0 && queued <= this.batchSize(job, queued)) return; // one batch left: no new sandbox for it
    job.starting++;
    void this.o.registry.tryCreate({ kernel: job.owner.kernel, files: job.owner.inputFiles, client: `scatter:${job.owner.id}` }).then(
      (session) => {
        job.starting--;
        if (!session) return; // no room now: tried again when a session ends or goes idle
        session.role = "worker";
        session.keepLog = false;
        if (job.state !== "running") {
          void session.end({ reason: "closed" });
          return;
        }
        const worker = new Worker(session, job);
        job.workers.add(worker);
        worker.unsubscribe = session.subscribe(0, (e) => this.onWorkerEvent(worker, e));
        this.pump();
      },
      (e: Error) => {
        job.starting--;
        this.log(`scatter job ${job.id}: a worker did not start: ${e.message}`);
        // Not again at once (its failed session's end would ask for the next right away).
        job.retryAt = Date.now() + WORKER_RETRY_MS;
        setTimeout(() => this.pump(), WORKER_RETRY_MS).unref();
      },
    );
  }

  /** How many tasks go in one worker cell: enough to spread the cell's cost, short enough for its wall clock. */
  private batchSize(job: Job, queued: number): number {
    const workers = Math.max(1, job.workers.size);
    let n = Math.ceil(queued / (workers * 4));
    if (job.secondsPerTask === null)
      n = Math.min(n, 4); // first, measure
    else if (job.secondsPerTask > 0) n = Math.min(n, Math.floor((this.config.wallSeconds * BATCH_WALL_SHARE) / job.secondsPerTask));
    return Math.max(1, Math.min(MAX_BATCH, n));
  }

  private dispatch(worker: Worker): void {
    const job = worker.job;
    if (worker.batch || worker.retired || worker.session.ending_) return;
    const queued = this.source.size(job.id);
    if (queued === 0) return this.idleWorker(worker);
    if (job.resultBytes > MAX_UNREAD_BYTES) return; // the cell reads results first
    const room = this.config.maxInFlight - this.inFlight(job.owner.id);
    const tasks = this.source.take(job.id, Math.min(room, this.batchSize(job, queued)));
    if (tasks.length === 0) return;
    if (worker.lingerTimer) clearTimeout(worker.lingerTimer);
    worker.lingerTimer = null;
    for (const t of tasks) t.state = "running";
    const lines = ["from cellar_kernel import worker as _cellar_worker"];
    if (!worker.loaded) lines.push(`_cellar_worker.load(${JSON.stringify(job.id)}, ${JSON.stringify(job.fn)}, ${this.config.outputBytes})`);
    lines.push(`_cellar_worker.run(${JSON.stringify(job.id)}, ${JSON.stringify(tasks.map((t) => [t.index, t.args]))})`);
    let msgId: string;
    try {
      // A file name: the cell is Python in every kernel (no preparser), and shows no value.
      msgId = worker.session.execute(lines.join("\n"), "cellar-worker.py");
    } catch {
      this.source.requeue(job.id, tasks);
      for (const t of tasks) t.state = "queued";
      return this.dropWorker(worker);
    }
    worker.loaded = true;
    worker.batch = { msgId, tasks, reported: new Set(), cpuAtStart: worker.session.cpuSeconds() };
  }

  /** A worker with nothing to do: ended once no more tasks can come (or after a while). */
  private idleWorker(worker: Worker): void {
    if (worker.lingerTimer) return;
    const job = worker.job;
    const delay = job.last ? 0 : WORKER_LINGER_MS;
    worker.lingerTimer = setTimeout(() => {
      worker.lingerTimer = null;
      if (!worker.batch && this.source.size(job.id) === 0) this.retire(worker);
    }, delay);
    worker.lingerTimer.unref();
  }

  private retire(worker: Worker): void {
    worker.retired = true;
    if (worker.lingerTimer) clearTimeout(worker.lingerTimer);
    this.dropWorker(worker);
    void worker.session.end({ reason: "closed" });
  }

  private dropWorker(worker: Worker): void {
    worker.unsubscribe();
    worker.job.workers.delete(worker);
  }

  // ── what workers say ────────────────────────────────────────────────────────────────────

  private onWorkerEvent(worker: Worker, e: TSessionEvent): void {
    const m = e.message;
    const batch = worker.batch;
    const parent = (m.parent_header as { msg_id?: string }).msg_id;
    const state = (m.content as { execution_state?: string }).execution_state;
    if (m.header.msg_type === "status" && state === "dead") return this.onWorkerDead(worker, (m.metadata as { reason?: string }).reason ?? "ended");
    if (!batch || parent !== batch.msgId) return;
    if (m.header.msg_type === "display_data") {
      const data = (m.content as { data?: Record<string, unknown> }).data;
      if (data && TASK_MIME in data) this.onOutcome(worker, batch, data[TASK_MIME]);
    } else if (m.header.msg_type === "status" && state === "idle" && !worker.session.ending_) this.onBatchEnd(worker, batch);
    // (A worker that is ending says idle for its cell too: its "dead" that follows decides.)
  }

  private onOutcome(worker: Worker, batch: TBatch, raw: unknown): void {
    const parsed = ZTaskOutcome.safeParse(raw);
    if (!parsed.success || parsed.data.job !== worker.job.id) return;
    const outcome = parsed.data;
    const task = batch.tasks.find((t) => t.index === outcome.index);
    // Only a task of the running batch, once (a task's own code could print a forged one).
    if (!task || batch.reported.has(task.index) || task.state !== "running") return;
    batch.reported.add(task.index);
    const { job: _job, ...result } = outcome;
    this.record(worker.job, task, result);
    this.checkCpu(worker.job);
  }

  /** The CPU time of a job's workers so far (running batches included), in seconds. */
  private cpuOf(job: Job): number {
    let used = job.cpuUsed;
    for (const w of job.workers) if (w.batch) used += Math.max(0, w.session.cpuSeconds() - w.batch.cpuAtStart);
    return used;
  }

  /** Stops a job whose workers have used its CPU budget (batches running counted so far, not only at their end). */
  private checkCpu(job: Job): void {
    if (job.state !== "running") return;
    const used = this.cpuOf(job);
    if (used > this.config.cpuSecondsPerJob) this.finish(job, "stopped", `its workers used more than ${this.config.cpuSecondsPerJob} s of CPU time together`);
  }

  private record(job: Job, task: TTask, result: TResult): void {
    if (job.state !== "running" || task.state === "done" || task.state === "failed") return;
    task.state = result.ok ? "done" : "failed";
    job.results.push(result);
    job.resultBytes += result.ok ? result.value.length : 0;
    job.done++;
    if (!result.ok) job.failed++;
    for (const wake of [...job.waiters]) wake();
    this.progress(job);
    this.checkDone(job);
  }

  private onBatchEnd(worker: Worker, batch: TBatch): void {
    const job = worker.job;
    worker.batch = null;
    const cpu = Math.max(0, worker.session.cpuSeconds() - batch.cpuAtStart);
    this.account(job, batch, cpu);
    const unreported = batch.tasks.filter((t) => !batch.reported.has(t.index) && t.state === "running");
    if (unreported.length > 0 && job.state === "running") {
      // A batch that reported nothing at all made no progress: its first task is charged, so
      // that no task can keep a batch from ever ending well.
      const [first] = unreported;
      if (batch.reported.size === 0 && first) {
        first.attempts++;
        if (first.attempts >= 2) {
          this.record(job, first, lost(first.index, "its batch ended without an outcome twice"));
          unreported.shift();
        }
      }
      for (const t of unreported) t.state = "queued";
      this.source.requeue(job.id, unreported);
    }
    this.pump();
  }

  private onWorkerDead(worker: Worker, reason: string): void {
    const job = worker.job;
    this.dropWorker(worker);
    if (worker.lingerTimer) clearTimeout(worker.lingerTimer);
    const batch = worker.batch;
    worker.batch = null;
    if (worker.retired || !batch || job.state !== "running") return this.pump();
    this.account(job, batch, Math.max(0, worker.session.cpuSeconds() - batch.cpuAtStart));
    // Tasks run in order: the first without an outcome was running when the worker died.
    const unreported = batch.tasks.filter((t) => !batch.reported.has(t.index) && t.state === "running");
    const [first, ...rest] = unreported;
    if (first) {
      first.attempts++;
      if (first.attempts >= 2) this.record(job, first, lost(first.index, `its worker ended (${reason}) twice`));
      else rest.unshift(first);
    }
    for (const t of rest) t.state = "queued";
    if (rest.length > 0) this.source.requeue(job.id, rest);
    this.pump();
  }

  /** Adds a batch's CPU time to its job's; past the job's budget, the job stops. */
  private account(job: Job, batch: TBatch, cpu: number): void {
    job.cpuUsed += cpu;
    const n = Math.max(1, batch.reported.size);
    const perTask = cpu / n;
    job.secondsPerTask = job.secondsPerTask === null ? perTask : job.secondsPerTask * 0.5 + perTask * 0.5;
    this.checkCpu(job);
  }

  private checkDone(job: Job): void {
    if (job.state === "running" && job.last && job.done >= job.total) this.finish(job, "done", "");
  }

  /** Ends a job: queued tasks dropped, workers ended, the final progress said. */
  private finish(job: Job, state: Exclude<TJobState, "running">, reason: string): void {
    if (job.state !== "running") return;
    job.state = state;
    job.reason = reason;
    for (const t of this.source.drop(job.id)) t.state = "cancelled";
    for (const w of [...job.workers]) this.retire(w);
    for (const wake of [...job.waiters]) wake();
    this.progress(job, true);
    // Kept for the cell's last polls, then forgotten.
    setTimeout(() => this.jobs.delete(job.id), 10 * 60_000).unref();
    this.pump();
  }

  // ── progress in the page ────────────────────────────────────────────────────────────────

  /** Says the job's progress on its session's stream, at most PROGRESS_PER_SECOND times a second (`now`: at once). */
  private progress(job: Job, now = false): void {
    if (job.progressTimer && !now) return;
    const wait = now ? 0 : Math.max(0, job.progressAt + 1000 / PROGRESS_PER_SECOND - Date.now());
    if (job.progressTimer) clearTimeout(job.progressTimer);
    const say = () => {
      job.progressTimer = null;
      job.progressAt = Date.now();
      const info = { job: job.id, done: job.done, failed: job.failed, total: job.total, state: job.state };
      const text = `scatter: ${job.done} / ${job.total} tasks${job.failed ? `, ${job.failed} failed` : ""}${job.state === "running" ? "" : ` (${job.state})`}`;
      job.owner.announce(job.cell, "display_data", {
        data: { [JOB_MIME]: info, "text/plain": text },
        metadata: {},
        transient: { display_id: `job-${job.id}` },
      });
    };
    if (wait === 0) say();
    else {
      job.progressTimer = setTimeout(say, wait);
      job.progressTimer.unref();
    }
  }

  /** Ends every job (service shutdown). */
  close(): void {
    this.closed = true;
    this.stopRoom();
    for (const job of this.jobs.values()) this.finish(job, "cancelled", "the execution service stopped");
  }
}

function lost(index: number, why: string): TResult {
  const evalue = `task ${index} did not finish: ${why}`;
  return { index, ok: false, ename: "WorkerLost", evalue, traceback: [`WorkerLost: ${evalue}`] };
}
