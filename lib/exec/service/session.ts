/**
 * One session: a forked, namespaced child G of a zygote in its own cgroups and run directory,
 * talking JSON lines over `<run dir>/sock` (docs/exec.md section 2). The session runs one cell at
 * a time, turns G's messages into Jupyter messages in a log with sequence numbers (for resume),
 * enforces the wall clock, output, files and memory limits, and cleans up when it ends.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statfsSync } from "node:fs";
import type { Server, Socket } from "node:net";
import path from "node:path";
import {
  ZChildMessage,
  jupyterMessage,
  type TContentOf,
  type TEndReason,
  type TCompleteReplyContent,
  type TExecuteRequest,
  type TFileEntry,
  type TInspectReplyContent,
  type TInteractRequest,
  type TInputFile,
  type TJupyterMessage,
  type TLimitKind,
  type TMsgType,
  type TQueryRequest,
  type TSessionEvent,
  type TSharedScope,
} from "@/lib/exec/protocol";
import {
  CellRequests,
  MAX_REQUEST_BYTES,
  SessionRequestChannel,
  type TRequestCell,
  type TRequester,
  type TRequestReply,
} from "@/lib/exec/service/cell-requests";
import { SessionCgroups, type TCgroupOptions } from "@/lib/exec/service/cgroups";
import { limitMessage, type TLimits } from "@/lib/exec/service/limits";
import { RUN_DIR_OVERHEAD_INODES, type Mounter } from "@/lib/exec/service/mounts";
import type { ZygotePool } from "@/lib/exec/service/pool";
import { sessionsDir } from "@/lib/exec/service/sandbox";
import { MAX_QUEUED_CELLS, SessionEndedError, SessionQueueFullError } from "@/lib/exec/service/session-errors";
import { listenForRelay } from "@/lib/exec/service/session-socket";
import { changedFiles, openWorkFile, populateWorkDir, type TSnapshot } from "@/lib/exec/service/workdir";

/** How often a running cell's memory and CPU time are checked. */
const WATCH_INTERVAL_MS = 100;
/** How often the CPU time of processes left running is checked while no cell runs. */
const IDLE_WATCH_INTERVAL_MS = 1000;
/** After SIGXCPU, how long a cell over its CPU time may take to stop before the session is ended. */
const CPU_GRACE_MS = 1000;
/**
 * How long a completion or help request may take before the session is ended. The kernel answers
 * empty after 2 s of its own (SIGALRM); past this, an object's `__dir__` or `__repr__` swallowed that.
 */
export const QUERY_WALL_MS = 5000;

export type TSessionOptions = {
  id: string;
  client: string;
  kernel: string;
  files: TInputFile[];
  execDir: string;
  pool: ZygotePool;
  limits: TLimits;
  idleSeconds: number;
  /** The longest a session lives once it is someone's, however active (a live interact's maximum life). */
  maxLifeSeconds: number;
  /** How long a run directory with files the cells wrote stays downloadable after the end. */
  retainSeconds: number;
  /** After an interrupt, how long a cell may take to stop before the session is killed. */
  interruptGraceMs: number;
  cgroups: TCgroupOptions;
  /** The service's mount helper: the run directory is a tmpfs of `limits.filesBytes` and `fileCount`. */
  mounts: Mounter;
  log: (line: string) => void;
  /**
   * A pre-spawned session: G runs a throwaway warm-up (a small figure to an in-memory PNG) after
   * "go", while it waits unassigned, so a reader's first plot does not pay for it.
   */
  warm?: boolean;
  /** Answers the cells' service requests (cell-requests.ts); without it every request is refused. */
  requests?: CellRequests;
};

export { SessionEndedError, SessionQueueFullError } from "@/lib/exec/service/session-errors";

export type TQueryOp = "complete" | "inspect";
export type TQueryReply<Op extends TQueryOp> = Op extends "complete" ? TCompleteReplyContent : TInspectReplyContent;
/** A completion or help request: never queued, never in the log; answered by `done`. */
type TQuery = {
  op: TQueryOp;
  cursor: number;
  detail: 0 | 1;
  reply: TCompleteReplyContent | TInspectReplyContent | null;
  done: (reply: TCompleteReplyContent | TInspectReplyContent | null) => void;
};

/** A cell of code, or an interact update (`interact` set: re-run that interact with these values). */
type TCell = {
  msgId: string;
  code: string;
  filename: string | null;
  interact?: { id: string; values: Record<string, unknown> };
  query?: TQuery;
  wallSeconds: number;
  date: string;
};
type TRunning = TCell & {
  outputBytes: number;
  timers: NodeJS.Timeout[];
  interrupted: boolean;
  /** The session's CPU time (all its processes) when the cell started, in seconds. */
  cpuAtStart: number;
  /** When SIGXCPU was sent for going over the CPU limit (0: not yet). */
  cpuSignalledAt: number;
  /** Whether the run directory was already full when the cell started (then the cell did not fill it). */
  fullAtStart: boolean;
};
/** Why a session ends: a limit, a request, or G going away. */
type TEnd = { limit: TLimitKind; evalue?: string } | { reason: Exclude<TEndReason, "limit"> };

export type TSessionState = "starting" | "idle" | "busy" | "dead";

export class Session implements TRequester {
  readonly id: string;
  /** The rate key; "" while the session is pre-spawned and nobody's yet (see `assign`). */
  client: string;
  readonly runDir: string;
  readonly workDir: string;
  state: TSessionState = "starting";
  lastActive = Date.now();
  /** Called once when the session has ended (after its processes are gone). */
  onEnd: (s: Session) => void = () => {};
  /** Called when the session stops running a cell (it may be evicted then). */
  onIdle: (s: Session) => void = () => {};
  /** The files the session was given (at creation, or when a pre-spawned one was handed out). */
  inputFiles: TInputFile[];
  /** "worker": a scatter job's worker (its cells are the service's; scatter.ts). */
  role: "user" | "worker" = "user";
  /** The snippet's shared-values scope the site gave at creation; null: `shared` refuses (no snippet, or a worker). */
  shared: TSharedScope | null = null;
  /** Whether messages are kept for replay (a worker's are read live only: nobody resumes them). */
  keepLog = true;
  private readonly endListeners: (() => void)[] = [];
  private readonly requestChannel: SessionRequestChannel;

  private readonly o: TSessionOptions;
  private readonly log: TSessionEvent[] = [];
  /** The last event's sequence number. */
  private seq = 0;
  /** The kernel this session runs ("python", "sage"). */
  get kernel(): string {
    return this.o.kernel;
  }
  private readonly listeners = new Set<(e: TSessionEvent) => void>();
  private readonly queue: TCell[] = [];
  private running: TRunning | null = null;
  private socket: Socket | null = null;
  private server: Server | null = null;
  private cgroups: SessionCgroups | null = null;
  /** G's host pid (0 before the spawn). */
  private pid = 0;
  private snapshot: TSnapshot = new Map();
  private ending: Promise<void> | null = null;
  /** Whether `end` has been called (true while doEnd still runs synchronously, before `ending` is set). */
  private closing = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private lifeTimer: NodeJS.Timeout | null = null;
  private lastParent: TCell | null = null;
  private socketClosed = false;
  /** Whether the run directory's tmpfs is mounted (and must be unmounted at removal). */
  private mounted = false;
  /** The session's CPU time when it last became idle: processes a cell left running are counted from there. */
  private cpuAtIdle = 0;
  private idleWatch: NodeJS.Timeout | null = null;

  constructor(o: TSessionOptions) {
    this.o = o;
    this.id = o.id;
    this.client = o.client;
    this.inputFiles = o.files;
    this.requestChannel = new SessionRequestChannel(o.requests);
    this.runDir = path.join(sessionsDir(o.execDir), o.id);
    this.workDir = path.join(this.runDir, "work");
  }

  /** Starts the session: run directory, socket, cgroups, spawn, hello, cgroup membership, go. */
  async start(): Promise<void> {
    try {
      // First: a kernel whose zygotes are still starting (Sage's take ~10 s) must not eat the
      // time G has to connect once spawned.
      const zygote = await this.o.pool.acquire();
      // A tmpfs, mounted before the spawn so G's /work is on it (section 2: files limit).
      mkdirSync(this.runDir, { mode: 0o711 });
      await this.o.mounts.tmpfs(this.runDir, this.o.limits.filesBytes, this.o.limits.fileCount + RUN_DIR_OVERHEAD_INODES);
      this.mounted = true;
      this.snapshot = populateWorkDir(this.runDir, this.o.files);
      const sockPath = path.join(this.runDir, "sock");
      const { listening, hello } = this.listen(sockPath);
      hello.catch(() => {}); // awaited below; a failure before then must not go unhandled
      await listening; // the socket exists and belongs to the sandbox user before G may connect
      this.cgroups = SessionCgroups.create(
        this.id,
        { memoryBytes: this.o.limits.memoryBytes, pids: this.o.limits.pids, cpus: this.o.limits.cpus },
        this.o.cgroups,
      );
      const [spawned, socket] = await Promise.all([
        zygote.spawn({
          session: this.id,
          dir: `/sessions/${this.id}`,
          limits: {
            cpu_seconds: this.o.limits.cpuSeconds,
            file_bytes: this.o.limits.filesBytes,
            nofile: this.o.limits.nofile,
            output_bytes: this.o.limits.outputBytes,
          },
        }),
        hello,
      ]);
      this.pid = spawned.pid;
      // Before "go", nothing in G has forked or allocated for the user: the limits hold from the first line.
      await this.cgroups.add([spawned.pid]);
      if (this.ending || this.socketClosed) throw new Error("the session child exited while starting");
      socket.write(JSON.stringify(this.o.warm ? { op: "go", warm: true } : { op: "go" }) + "\n");
      this.cpuAtIdle = this.cgroups.cpuSeconds();
      this.idleWatch = setInterval(() => this.watchIdle(), IDLE_WATCH_INTERVAL_MS);
      this.idleWatch.unref();
      this.state = "idle";
      this.touch();
      if (this.client !== "") this.startLifeClock();
    } catch (e) {
      await this.end({ reason: "failed" });
      throw e;
    }
  }

  /**
   * Hands a pre-spawned session (started with no files, nobody's) to `client`: its files are
   * written into the working directory G already has as /work (a bind, so they appear there)
   * and the idle clock starts again. Throws when the session has ended meanwhile.
   */
  assign(client: string, files: TInputFile[]): void {
    if (this.state !== "idle" || this.ending || this.running || this.queue.length > 0) throw new SessionEndedError(this.id);
    // Written beside /work first (same checks and ownership as at creation), then moved in.
    const incoming = path.join(this.runDir, "incoming");
    const snapshot = populateWorkDir(incoming, files);
    const staged = path.join(incoming, "work");
    for (const name of readdirSync(staged)) renameSync(path.join(staged, name), path.join(this.workDir, name));
    rmdirSync(staged);
    rmdirSync(incoming);
    this.snapshot = snapshot;
    this.inputFiles = files;
    this.client = client;
    // The warm-up ran no user code: the budget between cells starts now.
    this.cpuAtIdle = this.cgroups?.cpuSeconds() ?? 0;
    this.touch();
    this.startLifeClock();
  }

  /** From now on the session lives at most `maxLifeSeconds`, even while a reader keeps using it. */
  private startLifeClock(): void {
    if (this.lifeTimer) return;
    this.lifeTimer = setTimeout(() => void this.end({ reason: "lifetime" }), this.o.maxLifeSeconds * 1000);
    this.lifeTimer.unref();
  }

  /** Listens on the session's socket for the relay's single connection (for G); resolves after its hello. */
  private listen(sockPath: string): { listening: Promise<void>; hello: Promise<Socket> } {
    const { server, listening, hello } = listenForRelay(sockPath, {
      session: this.id,
      // A line longer than the output limit (or a service request's) can only be an attack or a runaway: it is the output limit.
      maxBuffered: Math.max(this.o.limits.outputBytes * 2, MAX_REQUEST_BYTES) + 65536,
      accept: (socket) => {
        if (this.socket) return false;
        this.socket = socket;
        return true;
      },
      onLine: (line) => this.onLine(line),
      onOverflow: (socket) => {
        if (this.running) void this.end({ limit: "output" });
        else socket.destroy();
      },
      onClose: () => {
        this.socketClosed = true;
        if (this.state !== "starting") void this.end({ reason: "exited" });
      },
    });
    this.server = server;
    return { listening, hello };
  }

  /**
   * One line from the relay R, for G: untrusted still (defence in depth). Anything malformed,
   * outside a cell or for another request is dropped; metadata other than an interact tag too.
   */
  private onLine(line: string): void {
    const cell = this.running;
    if (!cell) return;
    if (cell.query) return this.onQueryLine(cell, cell.query, line);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      cell.outputBytes += Buffer.byteLength(line);
      return;
    }
    if ((json as { msg_type?: unknown } | null)?.msg_type === "service_request") return this.onServiceRequest(cell, json, line.length);
    cell.outputBytes += Buffer.byteLength(line);
    const parsed = ZChildMessage.safeParse(json);
    if (!parsed.success) {
      this.o.log(`session ${this.id}: dropped a malformed message: ${parsed.error.issues[0]?.message}`);
      return;
    }
    const msg = parsed.data;
    // R frames every message with the running request's id; anything else is not this cell's.
    if (msg.parent !== cell.msgId) return;
    if (msg.msg_type === "dropped") cell.outputBytes += msg.content.bytes;
    if (cell.outputBytes > this.o.limits.outputBytes) {
      // Show what fits of a stream chunk, then the notice; the cell is stopped.
      if (msg.msg_type === "stream") {
        const room = this.o.limits.outputBytes - (cell.outputBytes - Buffer.byteLength(line));
        if (room > 0) {
          const text = Buffer.from(msg.content.text)
            .subarray(0, room)
            .toString("utf8")
            .replace(/\uFFFD+$/, "");
          if (text) this.emit("stream", cell, { name: msg.content.name, text });
        }
      }
      this.emit("stream", cell, { name: "stderr", text: "\n[output truncated]\n" });
      void this.end({ limit: "output" });
      return;
    }
    // A query's reply outside a query is no cell's output (R never sends one): not passed on.
    if (msg.msg_type === "dropped" || msg.msg_type === "complete_reply" || msg.msg_type === "inspect_reply") return;
    if (msg.msg_type === "status") {
      // busy is ours to say (at execute); idle from R (never from the cell: R says it only once the
      // user process is back waiting for a request) closes the cell; "dead" is only ours.
      if (msg.content.execution_state === "idle") this.finishCell();
      return;
    }
    this.emit(msg.msg_type, cell, msg.content, msg.metadata?.interact ? { interact: msg.metadata.interact } : {});
  }

  /**
   * A service request of the running cell (cell-requests.ts): within the session's request
   * budget, answered while the same cell still runs (the relay passes the reply to the kernel).
   */
  private onServiceRequest(cell: TRunning, json: unknown, size: number): void {
    this.requestChannel.take(this, cell, json, size, (id, reply) => this.replyTo(cell, id, reply));
  }

  /** Writes a reply while `cell` still runs; returns its size (0 when dropped). */
  private replyTo(cell: TRunning, id: number, reply: TRequestReply): number {
    if (this.running !== cell || !this.socket || this.closing) return 0; // the cell is over: nobody waits
    const line = JSON.stringify({ ...reply, op: "service_reply", id }) + "\n";
    this.socket.write(line);
    return line.length;
  }

  /** Adds a message of the service's own (a scatter job's progress) to the event stream, under `parent`. */
  announce<T extends TMsgType>(parent: TRequestCell, msgType: T, content: TContentOf<T>): void {
    if (this.state === "dead") return;
    const interact = parent.interact ? { id: parent.interact.id, values: {} } : undefined;
    // An update's messages carry its interact's tag, so the page shows them in its output area.
    this.emit(msgType, { ...parent, code: "", filename: null, wallSeconds: 0, interact }, content, interact ? { interact: interact.id } : {});
  }

  /** Calls `listener` once when the session ends (at once if it is ending). */
  onceEnded(listener: () => void): void {
    if (this.closing) queueMicrotask(listener);
    else this.endListeners.push(listener);
  }

  /** The CPU time of all the session's processes so far, in seconds (0 before the spawn). */
  cpuSeconds(): number {
    return this.cgroups?.cpuSeconds() ?? 0;
  }

  /** G's host pid (0 before the spawn), for tests that kill a session from outside. */
  get hostPid(): number {
    return this.pid;
  }

  /**
   * A line of a running query: only its reply and the final idle count; what the kernel dropped
   * for it (bytes an object's `__dir__` wrote) is not output of any cell. The query's wall clock
   * bounds it.
   */
  private onQueryLine(cell: TRunning, query: TQuery, line: string): void {
    let parsed;
    try {
      parsed = ZChildMessage.safeParse(JSON.parse(line));
    } catch {
      return;
    }
    if (!parsed.success || parsed.data.parent !== cell.msgId) return;
    const msg = parsed.data;
    if ((msg.msg_type === "complete_reply" || msg.msg_type === "inspect_reply") && msg.msg_type === `${query.op}_reply`) query.reply = msg.content;
    else if (msg.msg_type === "status" && msg.content.execution_state === "idle") this.finishCell();
  }

  /**
   * Asks the kernel for completions (`complete`) or help (`inspect`, `detail` 1: with the source)
   * at `cursor` (code points) in `code`, like Jupyter's complete_request / inspect_request.
   * Answered between cells only: while a cell runs or waits (or the session starts), `null` at
   * once, and the caller says it is busy. A query runs in the kernel's process with the cells'
   * namespace; cells sent meanwhile wait for it. Throws when the session has ended.
   */
  query<Op extends TQueryOp>(op: Op, code: string, cursor: number, detail: 0 | 1 = 0): Promise<TQueryReply<Op> | null> {
    if (this.state === "dead" || this.ending) throw new SessionEndedError(this.id);
    if (this.running || this.queue.length > 0 || this.state !== "idle" || !this.socket) return Promise.resolve(null);
    return new Promise((resolve) => {
      const query: TQuery = { op, cursor, detail, reply: null, done: (r) => resolve(r as TQueryReply<Op> | null) };
      this.touch();
      this.dispatch({ msgId: randomUUID(), code, filename: null, query, wallSeconds: QUERY_WALL_MS / 1000, date: new Date().toISOString() });
    });
  }

  /** Appends a Jupyter message to the log and hands it to live listeners. */
  private emit<T extends TMsgType>(msgType: T, parent: TCell | null, content: TContentOf<T>, metadata: Record<string, unknown> = {}): void {
    const message: TJupyterMessage = jupyterMessage({
      msgType,
      msgId: randomUUID(),
      session: this.id,
      parent: parent
        ? { msg_id: parent.msgId, msg_type: parent.interact ? "interact_request" : "execute_request", session: this.id, date: parent.date, version: "5.3" }
        : {},
      metadata,
      content,
    });
    const event = { seq: ++this.seq, message };
    if (this.keepLog) this.log.push(event); // else read live only: nothing kept to replay
    for (const listener of this.listeners) listener(event);
  }

  /**
   * Queues a cell; cells run one after another. `timeout` (seconds) shortens the wall clock for
   * this cell, never lengthens it. Throws when the session has ended.
   */
  execute(code: string, filename: string | null, timeout?: number): string {
    return this.enqueue({ code, filename }, timeout);
  }

  /**
   * Queues an interact update: the kernel re-runs interact `id` with `values` (section 2), with
   * the same limits as a cell. Its messages carry `metadata.interact`. Throws when the session has ended.
   */
  updateInteract(id: string, values: Record<string, unknown>, timeout?: number): string {
    return this.enqueue({ code: "", filename: null, interact: { id, values } }, timeout);
  }

  private enqueue(what: Pick<TCell, "code" | "filename" | "interact">, timeout: number | undefined): string {
    if (this.state === "dead" || this.closing) throw new SessionEndedError(this.id);
    if (this.queue.length >= MAX_QUEUED_CELLS) throw new SessionQueueFullError(this.id);
    const wall = Math.max(1, Math.min(this.o.limits.wallSeconds, timeout ?? Infinity));
    const cell: TCell = { msgId: randomUUID(), ...what, wallSeconds: wall, date: new Date().toISOString() };
    this.queue.push(cell);
    this.touch();
    this.pump();
    return cell.msgId;
  }

  private pump(): void {
    if (this.running || this.state !== "idle" || !this.socket) return;
    const cell = this.queue.shift();
    if (cell) this.dispatch(cell);
  }

  /** Sends a cell, update or query to the kernel, with its clocks. */
  private dispatch(cell: TCell): void {
    if (!this.socket) return;
    const running: TRunning = {
      ...cell,
      outputBytes: 0,
      timers: [],
      interrupted: false,
      cpuAtStart: this.cgroups?.cpuSeconds() ?? 0,
      cpuSignalledAt: 0,
      fullAtStart: this.runDirFull() !== null,
    };
    this.running = running;
    this.state = "busy";
    if (cell.query) {
      const { op, cursor, detail } = cell.query;
      running.timers.push(
        setTimeout(() => {
          const evalue = `stopped: a ${op === "complete" ? "completion" : "help request"} did not answer within ${QUERY_WALL_MS / 1000} s`;
          void this.end({ limit: "time", evalue });
        }, QUERY_WALL_MS),
      );
      const request: TQueryRequest = { op, msg_id: cell.msgId, code: cell.code, cursor_pos: cursor, cpu_seconds: this.o.limits.cpuSeconds };
      if (op === "inspect") request.detail_level = detail;
      this.socket.write(JSON.stringify(request) + "\n");
      return;
    }
    this.lastParent = cell;
    this.emit("status", cell, { execution_state: "busy" });
    running.timers.push(
      setTimeout(() => void this.end({ limit: "time", evalue: limitMessage("time", this.o.limits, cell.wallSeconds) }), cell.wallSeconds * 1000),
    );
    running.timers.push(setInterval(() => void this.watch(running), WATCH_INTERVAL_MS));
    const request: TExecuteRequest | TInteractRequest = cell.interact
      ? { op: "interact", msg_id: cell.msgId, interact: cell.interact.id, values: cell.interact.values, cpu_seconds: this.o.limits.cpuSeconds }
      : { op: "execute", msg_id: cell.msgId, code: cell.code, filename: cell.filename, cpu_seconds: this.o.limits.cpuSeconds };
    this.socket.write(JSON.stringify(request) + "\n");
  }

  /**
   * Checks a running cell's memory and CPU time; a hit limit ends the session. The CPU time is
   * the session's (every process a cell forked, those earlier cells left running too): over
   * the limit, G gets SIGXCPU through the relay (CpuLimitExceeded in the cell); still running a second later, the
   * session ends. The files limit needs no polling: the run directory's tmpfs refuses writes
   * past it (ENOSPC), and `finishCell` says so.
   */
  private watch(cell: TRunning): void {
    if (this.running !== cell || !this.cgroups) return;
    if (this.cgroups.oomKilled()) return void this.end({ limit: "memory" });
    if (this.cgroups.cpuSeconds() - cell.cpuAtStart <= this.o.limits.cpuSeconds) return;
    if (cell.cpuSignalledAt === 0) {
      cell.cpuSignalledAt = Date.now();
      // Through the relay, which sends it: it then takes the cell's LimitExceeded as the limit's
      // even when the cell's children, not the cell's own process, used the time.
      this.socket?.write(JSON.stringify({ op: "signal", signal: "SIGXCPU" }) + "\n");
    } else if (Date.now() - cell.cpuSignalledAt > CPU_GRACE_MS) void this.end({ limit: "cpu" });
  }

  /** Between cells: processes a cell left running may use the CPU limit once in all, then the session ends. */
  private watchIdle(): void {
    if (this.running || this.ending || !this.cgroups || this.client === "") return; // pre-spawned: only its warm-up ran
    if (this.cgroups.cpuSeconds() - this.cpuAtIdle <= this.o.limits.cpuSeconds) return;
    void this.end({ limit: "cpu", evalue: `stopped: processes left running used more than ${this.o.limits.cpuSeconds} s of CPU time between cells` });
  }

  /** Sends `signal` to G if it is provably still ours (a member of the session's cgroups). */
  private signal(signal: NodeJS.Signals): boolean {
    const g = this.pid;
    if (g === 0 || !this.cgroups?.members().includes(g)) return false;
    try {
      process.kill(g, signal);
    } catch {
      // already gone: "close" ends the session
    }
    return true;
  }

  /** Which of the run directory's limits is used up ("bytes", "files"), or null (statfs: O(1), no walk). */
  private runDirFull(): "bytes" | "files" | null {
    if (!this.mounted) return null;
    try {
      const st = statfsSync(this.runDir);
      if (st.bavail === 0) return "bytes";
      if (st.ffree === 0) return "files";
    } catch {
      // unmounted meanwhile
    }
    return null;
  }

  private finishCell(): void {
    const cell = this.running;
    if (!cell) return;
    for (const t of cell.timers) clearTimeout(t);
    if (cell.query) {
      this.running = null;
      this.state = "idle";
      cell.query.done(cell.query.reply);
      if (this.queue.length > 0) this.pump();
      else this.onIdle(this);
      return;
    }
    // The kernel refused the cell's writes (ENOSPC, "No space left on device"); the page also
    // says which limit that was, as it does for the others. The session goes on: the cell may
    // delete files to make room.
    const full = cell.fullAtStart ? null : this.runDirFull();
    if (full) {
      const evalue = full === "bytes" ? limitMessage("files", this.o.limits) : `stopped: created more than ${this.o.limits.fileCount} files`;
      this.emit(
        "error",
        cell,
        { ename: "LimitExceeded", evalue, traceback: [evalue] },
        { limit: "files", ...(cell.interact ? { interact: cell.interact.id } : {}) },
      );
    }
    this.cpuAtIdle = this.cgroups?.cpuSeconds() ?? 0;
    this.running = null;
    this.state = "idle";
    this.emit("status", cell, { execution_state: "idle" });
    this.touch();
    if (this.queue.length > 0) this.pump();
    else this.onIdle(this);
  }

  /** SIGINT to G (KeyboardInterrupt in the cell); if the cell still runs after the grace period, the session is killed. */
  interrupt(): void {
    const cell = this.running;
    // A query stops by its own clock; the kernel ignores SIGINT between cells anyway.
    if (!cell || cell.query || !this.signal("SIGINT")) return;
    cell.interrupted = true;
    cell.timers.push(
      setTimeout(() => {
        if (this.running === cell) void this.end({ reason: "closed" });
      }, this.o.interruptGraceMs),
    );
  }

  private touch(): void {
    this.lastActive = Date.now();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (!this.running) void this.end({ reason: "idle" });
    }, this.o.idleSeconds * 1000);
    this.idleTimer.unref();
  }

  /** Whether the session is ending or has ended. */
  get ending_(): boolean {
    return this.closing;
  }

  /** Whether a cell is running or waiting. */
  get busy(): boolean {
    return this.running !== null || this.queue.length > 0 || this.state === "starting";
  }

  /** Events after `after`, then live ones through `listener` until the returned function is called. */
  subscribe(after: number, listener: (e: TSessionEvent) => void): () => void {
    for (const e of this.log.slice(Math.max(0, after))) listener(e);
    if (this.state === "dead") return () => {};
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Files the cells created or changed. */
  listFiles(): Promise<TFileEntry[]> {
    return changedFiles(this.workDir, this.snapshot);
  }

  /** A file of the working directory to send, or null when there is no such regular file inside it. */
  openFile(name: string) {
    return openWorkFile(this.workDir, name);
  }

  /**
   * Ends the session (idempotent): reports a limit or an unexpected exit on the running cell,
   * aborts queued cells, kills every process of the session, says `dead`, removes the cgroups,
   * and removes the run directory now (nothing written) or after the retention time.
   */
  end(how: TEnd): Promise<void> {
    if (!this.ending) {
      // Set first: doEnd tells listeners synchronously, and they must see the session ending.
      this.closing = true;
      this.ending = this.doEnd(how);
    }
    return this.ending;
  }

  private async doEnd(how: TEnd): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.lifeTimer) clearTimeout(this.lifeTimer);
    if (this.idleWatch) clearInterval(this.idleWatch);
    let cell = this.running;
    this.running = null;
    if (cell?.query) {
      // A query shows nothing; a limit it hit is said under the last cell, as between cells.
      for (const t of cell.timers) clearTimeout(t);
      cell.query.done(null);
      cell = null;
    }
    // Kill first, then report: nothing more arrives from G once we tell the user why it stopped.
    // Only a pid that is provably still ours (a member of the session's cgroups): a pid that
    // exited may already belong to someone else. G is pid 1 of its namespace, so the kernel takes
    // every process in it along; the zygote ignores SIGCHLD, so the kernel reaps G itself.
    const g = this.pid;
    if (g !== 0 && (this.cgroups?.members() ?? []).includes(g)) {
      try {
        process.kill(g, "SIGKILL");
      } catch {
        // gone already
      }
    }
    this.socket?.destroy();
    this.server?.close();
    if (cell) {
      for (const t of cell.timers) clearTimeout(t);
      let end = how;
      // G died by itself: the memory group's OOM killer is the usual cause.
      if ("reason" in end && end.reason === "exited" && this.cgroups?.oomKilled()) end = { limit: "memory" };
      // An update's messages belong in its interact's output area, the service's own included.
      const tag = cell.interact ? { interact: cell.interact.id } : {};
      if ("limit" in end) {
        const evalue = end.evalue ?? limitMessage(end.limit, this.o.limits);
        this.emit("error", cell, { ename: "LimitExceeded", evalue, traceback: [evalue] }, { limit: end.limit, ...tag });
        this.emit("execute_reply", cell, { status: "error", execution_count: null });
      } else if (end.reason === "exited") {
        const evalue = "the Python process ended while the cell was running";
        this.emit("error", cell, { ename: "SessionEnded", evalue, traceback: [evalue] }, tag);
        this.emit("execute_reply", cell, { status: "error", execution_count: null });
      } else {
        this.emit("execute_reply", cell, { status: "aborted", execution_count: null });
      }
      this.emit("status", cell, { execution_state: "idle" });
    } else if ("limit" in how && this.lastParent) {
      // A limit hit between cells (processes a cell left running): said under the cell that left them.
      const evalue = how.evalue ?? limitMessage(how.limit, this.o.limits);
      const tag = this.lastParent.interact ? { interact: this.lastParent.interact.id } : {};
      this.emit("error", this.lastParent, { ename: "LimitExceeded", evalue, traceback: [evalue] }, { limit: how.limit, ...tag });
    }
    for (const queued of this.queue.splice(0)) this.emit("execute_reply", queued, { status: "aborted", execution_count: null });
    this.state = "dead";
    this.emit("status", cell ?? this.lastParent, { execution_state: "dead" }, endMetadata(how, this.o));
    this.listeners.clear();
    for (const listener of this.endListeners.splice(0)) listener();
    try {
      await this.cgroups?.destroy();
    } catch (e) {
      this.o.log(`session ${this.id}: ${(e as Error).message}`);
    }
    // Synchronous: a run directory is a handful of entries, and fs.rm's thread-pool round trips
    // cost more CPU than the removal itself.
    removeQuietly(path.join(this.runDir, "sock"));
    const keep = (await this.listFiles().catch(() => [])).length > 0;
    if (!keep) await this.removeRunDir();
    else setTimeout(() => void this.removeRunDir(), this.o.retainSeconds * 1000).unref();
    this.retainedUntil = Date.now() + (keep ? this.o.retainSeconds * 1000 : 60_000);
    this.onEnd(this);
  }

  /** When the service may forget an ended session (its files removed, resume no longer offered). */
  retainedUntil = 0;

  /** Unmounts the run directory's tmpfs (its files go with it) and removes the mount point. */
  private async removeRunDir(): Promise<void> {
    if (this.mounted) {
      try {
        await this.o.mounts.detach(this.runDir);
        this.mounted = false;
      } catch (e) {
        // Left mounted: the service's next start unmounts it.
        return this.o.log(`session ${this.id}: ${(e as Error).message}`);
      }
    }
    removeQuietly(this.runDir);
  }
}

function removeQuietly(target: string): void {
  try {
    rmSync(target, { recursive: true, force: true });
  } catch {
    // already gone, or busy: the service's start removes leftovers
  }
}

/** The final `dead` status's metadata: why the session ended, in words the page can say plainly. */
function endMetadata(how: TEnd, o: TSessionOptions): { reason: TEndReason; seconds?: number } {
  if ("limit" in how) return { reason: "limit" };
  if (how.reason === "idle") return { reason: "idle", seconds: o.idleSeconds };
  if (how.reason === "lifetime") return { reason: "lifetime", seconds: o.maxLifeSeconds };
  return { reason: how.reason };
}
