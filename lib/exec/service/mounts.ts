/**
 * The sessions' run directories as size-limited tmpfs mounts, so the kernel enforces the files
 * limit (ENOSPC) even on a process a cell left running, and a run directory's pages are charged
 * to the memory cgroup of the session process that writes them, not to the database's disk.
 *
 * EXEC_DIR/sessions is itself a small tmpfs made a shared mount before any zygote starts: bwrap
 * binds it at /sessions (as a slave), so a run directory mounted later, before its session's
 * spawn, appears inside the zygote's mount namespace too. The mounts are made by one persistent
 * root helper (mount_helper.py): /bin/mount and /bin/umount cost ~14 ms of CPU per session.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";

const HELPER = fileURLToPath(new URL("./mount_helper.py", import.meta.url));
/** Inodes of the sessions tmpfs: one folder per live or retained session (a folder costs memory only while it exists). */
const SESSIONS_INODES = 100_000;
/**
 * Inodes of a run directory besides the files under work/: its root, work/, sock, and the
 * incoming/ and incoming/work/ a pre-spawned session's files pass through (then gone: the cells
 * may use those two).
 */
export const RUN_DIR_OVERHEAD_INODES = 5;

/** A failed mount request, with the kernel's errno name when there was one. */
export class MountError extends Error {
  constructor(
    message: string,
    readonly errno: number,
  ) {
    super(message);
    this.name = "MountError";
  }
}

/** The service's mount helper: requests are answered in order, one line each. */
export class Mounter {
  private child!: ChildProcessByStdio<Writable, Readable, null>;
  private readonly waiting: { resolve: () => void; reject: (e: Error) => void; what: string }[] = [];
  private exited: Error | null = null;
  private closing = false;
  private startedAt = 0;

  constructor() {
    this.start();
  }

  /**
   * Starts the helper. One that dies (killed, out of memory) is started again, at most once a
   * second: without it no session could get its run directory. Requests it had not answered fail.
   */
  private start(): void {
    this.startedAt = Date.now();
    this.exited = null;
    // -I -S: no user site, no site module: the helper imports only ctypes.
    const child = spawn("/usr/bin/python3", ["-I", "-S", HELPER], {
      stdio: ["pipe", "pipe", "inherit"],
      // (Next's types make NODE_ENV required in ProcessEnv; the helper does not read it.)
      env: { PATH: "/usr/bin:/bin" } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
    });
    this.child = child;
    child.stdin.on("error", () => {}); // "exit" reports it
    createInterface({ input: child.stdout }).on("line", (line) => {
      const next = this.waiting.shift();
      if (!next) return;
      if (line === "ok") return next.resolve();
      const m = /^err (\d+) (.*)$/.exec(line);
      next.reject(new MountError(`${next.what}: ${m?.[2] ?? line}`, Number(m?.[1] ?? 0)));
    });
    child.on("exit", (code, signal) => {
      this.exited = new Error(`the mount helper exited (${signal ?? `code ${code}`})`);
      for (const w of this.waiting.splice(0)) w.reject(this.exited);
      if (this.closing) return;
      console.error(`exec service: ${this.exited.message}; starting it again`);
      setTimeout(() => this.closing || this.start(), Math.max(0, 1000 - (Date.now() - this.startedAt))).unref();
    });
  }

  private request(line: string, what: string): Promise<void> {
    if (line.includes("\n")) return Promise.reject(new Error(`${what}: a path with a newline`));
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject, what });
      this.child.stdin.write(line + "\n");
    });
  }

  /** A tmpfs of at most `bytes` and `inodes` (root's, 0711, nosuid, nodev) on the existing folder `dir`. */
  tmpfs(dir: string, bytes: number, inodes: number): Promise<void> {
    return this.request(`tmpfs ${bytes} ${inodes} ${dir}`, `mounting a tmpfs on ${dir}`);
  }

  /** Makes the mount on `dir` shared: mounts made under it later propagate to its copies. */
  shared(dir: string): Promise<void> {
    return this.request(`shared ${dir}`, `making ${dir} a shared mount`);
  }

  /** Detaches the mount on `dir` (lazily: its memory is freed once no process uses it). */
  detach(dir: string): Promise<void> {
    return this.request(`detach ${dir}`, `unmounting ${dir}`);
  }

  /** The helper's pid (the benchmark counts its CPU time). */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  close(): void {
    this.closing = true;
    this.child.stdin.end();
  }
}

/** Mount points at or under `dir` in this process's mount namespace, deepest first. */
export function mountsUnder(dir: string): string[] {
  const root = path.resolve(dir);
  const points = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((p): p is string => p !== undefined)
    // mountinfo escapes space, tab, newline and backslash as octal.
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === root || p.startsWith(root + "/"));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/**
 * Unmounts everything at or under `sessions` (a dead service's run directories and sessions
 * tmpfs: its zygotes died with it), removes what is left, and mounts a fresh shared sessions tmpfs.
 */
export async function prepareSessionsMount(mounter: Mounter, sessions: string): Promise<void> {
  await detachAll(mounter, sessions);
  rmSync(sessions, { recursive: true, force: true });
  mkdirSync(sessions, { recursive: true, mode: 0o711 });
  await mounter.tmpfs(sessions, 1024 * 1024, SESSIONS_INODES);
  await mounter.shared(sessions);
}

/** Detaches every mount at or under `dir`, deepest first (service shutdown, or a dead one's leftovers). */
export async function detachAll(mounter: Mounter, dir: string): Promise<void> {
  for (const point of mountsUnder(dir)) {
    // A point stacked twice (a restart over a live mount) is listed once per mount.
    while (mountsUnder(point).includes(point)) await mounter.detach(point);
  }
}
