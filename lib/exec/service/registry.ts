/**
 * The service's sessions and who may start one: at most `maxSessions` live at once (an idle one
 * is ended to make room, least recently used first), at most `perClient` per client key (pressing
 * Run again ends that client's oldest idle session; 429 only when all of them are running), and a
 * bounded queue of creations waiting for a running session to finish (503 past it).
 */
import { randomBytes } from "node:crypto";
import type { TInputFile, TSharedScope } from "@/lib/exec/protocol";
import { Session, SessionEndedError, type TSessionOptions } from "@/lib/exec/service/session";

/** A creation refused by admission; `status` is the HTTP status the server answers. */
export class AdmissionError extends Error {
  constructor(
    readonly status: 429 | 503,
    readonly code: "TOO_MANY_SESSIONS" | "UNAVAILABLE",
    message: string,
    readonly retryAfter: number,
  ) {
    super(message);
    this.name = "AdmissionError";
  }
}

/** How long a creation may wait in the queue before it is refused with 503. */
const QUEUE_WAIT_MS = 20_000;

export type TRegistryOptions = {
  maxSessions: number;
  perClient: number;
  queue: number;
  /** Everything a session needs except its id, client, kernel and files. */
  sessionOptions: (kernel: string) => Omit<TSessionOptions, "id" | "client" | "kernel" | "files"> | undefined;
  /**
   * Sessions of each of `prespawnKernels` (in that order) kept started (no files, nobody's), up
   * to `prespawn` per kernel, while the service is idle, so a creation skips the spawn: Run's
   * first output comes sooner. Never made while a creation waits or any session is starting or
   * running a cell, so they cost nothing under load.
   */
  prespawn?: number;
  prespawnKernels?: string[];
  /** Prefix of session ids (with a dash), naming this host to a site with several. */
  hostId?: string;
  /** The kernels `sessionOptions` knows, named when a creation asks for another. */
  kernels?: readonly string[];
};

/** How long the service must have been quiet before a session is pre-spawned. */
const PRESPAWN_DELAY_MS = 50;

export class Registry {
  private readonly live = new Map<string, Session>();
  private readonly ended = new Map<string, Session>();
  private readonly waiting: (() => void)[] = [];
  private readonly sweeper: NodeJS.Timeout;
  /** Pre-spawned sessions, ready to be handed out (oldest first). */
  private readonly ready: Session[] = [];
  private prespawning = false;
  private prespawnTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly roomListeners = new Set<() => void>();

  constructor(private readonly o: TRegistryOptions) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
    this.schedulePrespawn();
  }

  /** A new session id: random, after this host's id (see `ZSessionId`). */
  private newId(): string {
    const random = randomBytes(16).toString("base64url");
    return this.o.hostId ? `${this.o.hostId}-${random}` : random;
  }

  /** The first kernel (in `prespawnKernels` order) with fewer than `prespawn` sessions ready, if any. */
  private kernelToPrespawn(): string | undefined {
    const want = this.o.prespawn ?? 0;
    return (this.o.prespawnKernels ?? ["python"]).find((k) => this.ready.filter((s) => s.kernel === k).length < want);
  }

  /** Pre-spawns one more session soon if the service is still quiet then (see `prespawn`). */
  private schedulePrespawn(): void {
    if (this.closed || this.prespawnTimer || this.prespawning || this.kernelToPrespawn() === undefined) return;
    this.prespawnTimer = setTimeout(() => {
      this.prespawnTimer = null;
      void this.prespawnOne();
    }, PRESPAWN_DELAY_MS);
    this.prespawnTimer.unref();
  }

  private quiet(): boolean {
    if (this.waiting.length > 0) return false;
    for (const s of this.live.values()) if (s.busy) return false;
    return true;
  }

  private async prespawnOne(): Promise<void> {
    const kernel = this.kernelToPrespawn();
    const sessionOptions = kernel === undefined ? undefined : this.o.sessionOptions(kernel);
    if (this.closed || kernel === undefined || !sessionOptions || !this.quiet()) return;
    if (this.live.size + this.ready.length >= this.o.maxSessions) return;
    this.prespawning = true;
    const session = new Session({ ...sessionOptions, id: this.newId(), client: "", kernel, files: [], warm: true });
    session.onEnd = (s) => {
      const i = this.ready.indexOf(s);
      if (i >= 0)
        this.ready.splice(i, 1); // ended unused (idle timeout, shutdown)
      else this.onSessionEnd(s);
      this.schedulePrespawn();
    };
    try {
      await session.start();
      if (this.closed) await session.end({ reason: "shutdown" });
      else this.ready.push(session);
    } catch (e) {
      sessionOptions.log(`pre-spawning a session failed: ${(e as Error).message}`);
      return; // not retried until the next session ends or is handed out
    } finally {
      this.prespawning = false;
    }
    this.schedulePrespawn();
  }

  /** A pre-spawned session of `kernel` handed to `client` with `files`, or null when none is ready. */
  private takeReady(input: { kernel: string; files: TInputFile[]; client: string }): Session | null {
    for (;;) {
      const i = this.ready.findIndex((s) => s.kernel === input.kernel);
      if (i < 0) return null;
      const [session] = this.ready.splice(i, 1) as [Session];
      try {
        session.assign(input.client, input.files);
      } catch (e) {
        void session.end({ reason: "failed" });
        if (e instanceof SessionEndedError) continue; // it ended while waiting: try the next
        throw e;
      }
      this.live.set(session.id, session);
      session.onIdle = () => this.onSessionIdle();
      return session;
    }
  }

  private onSessionEnd(s: Session): void {
    this.live.delete(s.id);
    this.ended.set(s.id, s);
    this.wakeOne();
    this.schedulePrespawn();
    for (const listener of this.roomListeners) listener();
  }

  private onSessionIdle(): void {
    this.wakeOne();
    this.schedulePrespawn();
    for (const listener of this.roomListeners) listener();
  }

  /** Creates and starts a session, waiting in the queue when every slot is running a cell. */
  async create(input: { kernel: string; files: TInputFile[]; client: string; shared?: TSharedScope | null | undefined }): Promise<Session> {
    const sessionOptions = this.o.sessionOptions(input.kernel);
    if (!sessionOptions) throw new UnknownKernelError(input.kernel, this.o.kernels ?? []);
    const deadline = Date.now() + QUEUE_WAIT_MS;
    while (!this.admit(input.client)) {
      if (this.waiting.length >= this.o.queue) {
        throw new AdmissionError(503, "UNAVAILABLE", "All runners are busy; try again in a few seconds.", 2);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new AdmissionError(503, "UNAVAILABLE", "All runners are busy; try again in a few seconds.", 5);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          const i = this.waiting.indexOf(wake);
          if (i >= 0) this.waiting.splice(i, 1);
          resolve();
        }, left);
        this.waiting.push(wake);
      });
    }
    const ready = this.takeReady(input);
    if (ready) {
      ready.shared = input.shared ?? null;
      this.schedulePrespawn();
      return ready;
    }
    const session = new Session({ ...sessionOptions, id: this.newId(), client: input.client, kernel: input.kernel, files: input.files });
    session.shared = input.shared ?? null;
    this.live.set(session.id, session);
    session.onEnd = (s) => this.onSessionEnd(s);
    session.onIdle = () => this.onSessionIdle();
    await session.start(); // on failure the session has ended itself (onEnd ran)
    return session;
  }

  /**
   * A session for a scatter job's worker (scatter.ts), or null when there is no free room now.
   * It never waits in the queue, never ends anyone's idle session to make room, and yields to
   * creations waiting in the queue: workers take only free capacity, so a job can neither
   * starve other readers nor block the session that started it. Not counted against any
   * client's sessions (the job's owner bounds its workers).
   */
  async tryCreate(input: { kernel: string; files: TInputFile[]; client: string }): Promise<Session | null> {
    const sessionOptions = this.o.sessionOptions(input.kernel);
    if (!sessionOptions) throw new UnknownKernelError(input.kernel, this.o.kernels ?? []);
    if (this.closed || this.waiting.length > 0) return null;
    let counting = 0;
    for (const s of this.live.values()) if (!s.ending_) counting++;
    if (counting >= this.o.maxSessions) return null;
    const ready = this.takeReady(input);
    if (ready) {
      this.schedulePrespawn();
      return ready;
    }
    const session = new Session({ ...sessionOptions, id: this.newId(), client: input.client, kernel: input.kernel, files: input.files });
    this.live.set(session.id, session);
    session.onEnd = (s) => this.onSessionEnd(s);
    session.onIdle = () => this.onSessionIdle();
    await session.start();
    return session;
  }

  /** Calls `listener` whenever a session ends or goes idle (room may have been made). */
  onRoom(listener: () => void): () => void {
    this.roomListeners.add(listener);
    return () => this.roomListeners.delete(listener);
  }

  /**
   * Whether `client` may start a session now, making room by ending idle sessions (the client's
   * own oldest first, then the least recently used of anyone's). Throws 429 when the client's
   * sessions are all running.
   */
  private admit(client: string): boolean {
    const mine = [...this.live.values()].filter((s) => s.client === client && !s.ending_);
    if (mine.length >= this.o.perClient) {
      const idle = mine.filter((s) => !s.busy).sort((a, b) => a.lastActive - b.lastActive)[0];
      if (!idle) {
        throw new AdmissionError(429, "TOO_MANY_SESSIONS", `This client already has ${this.o.perClient} runs going; stop one first.`, 5);
      }
      void idle.end({ reason: "replaced" });
    }
    const counting = [...this.live.values()].filter((s) => !s.ending_);
    if (counting.length < this.o.maxSessions) return true;
    const lru = counting.filter((s) => !s.busy).sort((a, b) => a.lastActive - b.lastActive)[0];
    if (!lru) return false;
    void lru.end({ reason: "replaced" });
    return true;
  }

  private wakeOne(): void {
    this.waiting.shift()?.();
  }

  /** A live or recently ended session (ended ones still answer events and files). */
  get(id: string): Session | undefined {
    return this.live.get(id) ?? this.ended.get(id);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, s] of this.ended) if (s.retainedUntil < now) this.ended.delete(id);
  }

  /** Figures for /health (`prespawned`: sessions ready to be handed out, not counted in `sessions`). */
  stats(): { sessions: number; busy: number; queue: number; prespawned: number } {
    let busy = 0;
    for (const s of this.live.values()) if (s.state === "busy") busy++;
    return { sessions: this.live.size, busy, queue: this.waiting.length, prespawned: this.ready.length };
  }

  /** Ends every session (service shutdown). */
  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    this.closed = true;
    if (this.prespawnTimer) clearTimeout(this.prespawnTimer);
    await Promise.all([...this.live.values(), ...this.ready.splice(0)].map((s) => s.end({ reason: "shutdown" })));
  }
}

/** `POST /sessions` named a kernel this service does not offer; `kernels` are those it does. */
export class UnknownKernelError extends Error {
  constructor(
    readonly kernel: string,
    readonly kernels: readonly string[],
  ) {
    super(`unknown kernel "${kernel}" (this service has: ${kernels.join(", ") || "none"})`);
    this.name = "UnknownKernelError";
  }
}
