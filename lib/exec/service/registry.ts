/**
 * The service's sessions and who may start one: at most `maxSessions` live at once (an idle one
 * is ended to make room, least recently used first), at most `perClient` per client key (pressing
 * Run again ends that client's oldest idle session; 429 only when all of them are running), and a
 * bounded queue of creations waiting for a running session to finish (503 past it).
 */
import { randomBytes } from "node:crypto";
import type { TInputFile } from "@/lib/exec/protocol";
import { Session, type TSessionOptions } from "@/lib/exec/service/session";

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
};

export class Registry {
  private readonly live = new Map<string, Session>();
  private readonly ended = new Map<string, Session>();
  private readonly waiting: (() => void)[] = [];
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly o: TRegistryOptions) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  /** Creates and starts a session, waiting in the queue when every slot is running a cell. */
  async create(input: { kernel: string; files: TInputFile[]; client: string }): Promise<Session> {
    const sessionOptions = this.o.sessionOptions(input.kernel);
    if (!sessionOptions) throw new UnknownKernelError(input.kernel);
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
    const session = new Session({ ...sessionOptions, id: randomBytes(16).toString("base64url"), client: input.client, kernel: input.kernel, files: input.files });
    this.live.set(session.id, session);
    session.onEnd = (s) => {
      this.live.delete(s.id);
      this.ended.set(s.id, s);
      this.wakeOne();
    };
    session.onIdle = () => this.wakeOne();
    await session.start(); // on failure the session has ended itself (onEnd ran)
    return session;
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

  /** Figures for /health. */
  stats(): { sessions: number; busy: number; queue: number } {
    let busy = 0;
    for (const s of this.live.values()) if (s.state === "busy") busy++;
    return { sessions: this.live.size, busy, queue: this.waiting.length };
  }

  /** Ends every session (service shutdown). */
  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.live.values()].map((s) => s.end({ reason: "shutdown" })));
  }
}

/** `POST /sessions` named a kernel this service does not offer. */
export class UnknownKernelError extends Error {
  constructor(readonly kernel: string) {
    super(`unknown kernel "${kernel}"`);
    this.name = "UnknownKernelError";
  }
}
