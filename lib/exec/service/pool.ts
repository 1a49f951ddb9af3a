/**
 * The pool of warm zygotes: N sandboxed interpreters with their preload list imported, each
 * forking one isolated child per session (docs/exec.md section 1). A zygote serves many spawns;
 * the pool replaces one that dies (with a back-off when they keep dying) in the background.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import type { TKernel } from "@/lib/exec/kernels";
import { ZZygoteMessage, type TSpawnRequest } from "@/lib/exec/protocol";
import { spawnSandboxed, zygoteCommand, type TSandboxPaths } from "@/lib/exec/service/sandbox";

/** A spawn that the zygote did not answer within this time counts as a broken zygote. */
const SPAWN_TIMEOUT_MS = 10_000;
/** A zygote that is not ready within this time (preloading hangs) is replaced. */
const READY_TIMEOUT_MS = 60_000;

/** The session process G (its host pid). */
export type TSpawned = { pid: number };
type TPending = { resolve: (s: TSpawned) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/** One zygote process and its JSON-lines conversation. */
export class Zygote {
  readonly process: ChildProcessWithoutNullStreams;
  pid = 0;
  ready = false;
  dead = false;
  readonly preloaded: string[] = [];
  private readonly pending = new Map<string, TPending>();
  private readonly whenReady: Promise<void>;

  constructor(kernel: TKernel, paths: TSandboxPaths, log: (line: string) => void, onExit: (z: Zygote) => void) {
    // stdio 0-2 are pipes, so the streams exist (the fourth entry, the filter's fd, is not a stream).
    this.process = spawnSandboxed(zygoteCommand(kernel, paths), ["pipe", "pipe", "pipe"]) as ChildProcessWithoutNullStreams;
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    this.whenReady = new Promise((res, rej) => ((readyResolve = res), (readyReject = rej)));
    this.whenReady.catch(() => {}); // observed through ready()/exit; never an unhandled rejection
    const readyTimer = setTimeout(() => {
      readyReject(new Error(`zygote not ready after ${READY_TIMEOUT_MS / 1000} s`));
      this.kill();
    }, READY_TIMEOUT_MS);

    createInterface({ input: this.process.stdout }).on("line", (line) => {
      let parsed;
      try {
        parsed = ZZygoteMessage.safeParse(JSON.parse(line));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        log(`zygote ${this.process.pid}: unexpected line ${JSON.stringify(line.slice(0, 200))}`);
        return;
      }
      const msg = parsed.data;
      if (msg.op === "ready") {
        this.pid = msg.pid;
        this.preloaded.push(...msg.preloaded);
        this.ready = true;
        clearTimeout(readyTimer);
        readyResolve();
        return;
      }
      const waiter = this.pending.get(msg.session);
      if (!waiter) return;
      this.pending.delete(msg.session);
      clearTimeout(waiter.timer);
      if (msg.op === "spawned") waiter.resolve({ pid: msg.pid });
      else waiter.reject(new Error(`spawn failed: ${msg.error}`));
    });
    createInterface({ input: this.process.stderr }).on("line", (line) => log(`zygote ${this.process.pid}: ${line}`));
    this.process.stdin.on("error", () => {}); // EPIPE after the zygote died: reported by "exit"
    this.process.on("error", (e) => log(`zygote could not start: ${e.message}`));
    this.process.on("exit", (code, signal) => {
      this.dead = true;
      this.ready = false;
      clearTimeout(readyTimer);
      readyReject(new Error(`zygote exited (${signal ?? code}) before it was ready`));
      for (const [, w] of this.pending) {
        clearTimeout(w.timer);
        w.reject(new Error(`zygote exited (${signal ?? code}) during a spawn`));
      }
      this.pending.clear();
      onExit(this);
    });
  }

  /** Resolves once the zygote has preloaded; rejects if it dies first. */
  ready_(): Promise<void> {
    return this.whenReady;
  }

  /** Spawns in flight on this zygote. */
  get load(): number {
    return this.pending.size;
  }

  /** Asks for an isolated session child in `/sessions/<session>`. */
  spawn(request: Omit<TSpawnRequest, "op">): Promise<TSpawned> {
    if (this.dead) return Promise.reject(new Error("zygote is dead"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(request.session);
        reject(new Error(`zygote did not answer a spawn within ${SPAWN_TIMEOUT_MS / 1000} s`));
        this.kill();
      }, SPAWN_TIMEOUT_MS);
      this.pending.set(request.session, { resolve, reject, timer });
      this.process.stdin.write(JSON.stringify({ op: "spawn", ...request }) + "\n");
    });
  }

  kill(): void {
    if (!this.dead) this.process.kill("SIGKILL");
  }
}

/** N zygotes of one kernel, kept at N. */
export class ZygotePool {
  private readonly zygotes = new Set<Zygote>();
  private closed = false;
  private failures = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly kernel: TKernel,
    private readonly paths: TSandboxPaths,
    private readonly size: number,
    private readonly log: (line: string) => void,
  ) {
    for (let i = 0; i < size; i++) this.start();
  }

  private start(): void {
    if (this.closed) return;
    const z = new Zygote(this.kernel, this.paths, this.log, (dead) => this.onExit(dead));
    this.zygotes.add(z);
    z.ready_().then(
      () => {
        this.failures = 0;
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w();
      },
      () => {},
    );
  }

  private onExit(z: Zygote): void {
    this.zygotes.delete(z);
    if (this.closed) return;
    if (!z.pid) this.failures++;
    // A zygote that keeps dying before it is ready (a broken runner) is retried more and more slowly.
    const delay = this.failures === 0 ? 0 : Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7));
    if (this.failures > 0) this.log(`${this.kernel.name}: zygote died before it was ready; restarting in ${delay} ms`);
    setTimeout(() => this.start(), delay).unref();
  }

  /** Zygotes ready to spawn. */
  get readyCount(): number {
    let n = 0;
    for (const z of this.zygotes) if (z.ready) n++;
    return n;
  }

  /** Resolves once at least one zygote is ready. */
  async whenReady(timeoutMs: number): Promise<void> {
    if (this.readyCount > 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${this.kernel.name} zygote became ready within ${timeoutMs / 1000} s`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The ready zygote with the fewest spawns in flight (waits up to `timeoutMs` for one). */
  async acquire(timeoutMs = 60_000): Promise<Zygote> {
    await this.whenReady(timeoutMs);
    let best: Zygote | undefined;
    for (const z of this.zygotes) if (z.ready && (!best || z.load < best.load)) best = z;
    if (!best) return this.acquire(timeoutMs);
    return best;
  }

  /** Host pids of the zygotes (tests use them as targets that cells must not reach). */
  pids(): number[] {
    return [...this.zygotes].filter((z) => z.ready).map((z) => z.pid);
  }

  close(): void {
    this.closed = true;
    for (const z of this.zygotes) {
      z.process.stdin.end(); // the zygote exits when its stdin closes
      setTimeout(() => z.kill(), 2000).unref();
    }
  }
}
