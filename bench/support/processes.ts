/**
 * The execution service's sandboxed processes, read from /proc as root (benchmarks only): a
 * kernel's zygotes under a service process, a session's process G found by its working
 * directory, their memory (smaps_rollup), CPU time, page faults and memory cgroup charge.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { SANDBOX_UID } from "@/lib/exec/service/sandbox";

/** Bytes: resident, proportional (shared pages split among their users), unique (private). */
export type TMemory = { rss: number; pss: number; uss: number };

export function memoryOf(pid: number): TMemory | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  } catch {
    return null;
  }
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb("Rss"), pss: kb("Pss"), uss: kb("Private_Clean") + kb("Private_Dirty") };
}

/** Fields of /proc/<pid>/stat after the command name (index 0 is the state), or null when gone. */
function stat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** CPU nanoseconds of one process (all its threads, not its children). */
export function cpuOf(pid: number): number {
  const s = stat(pid);
  return s ? (Number(s[11]) + Number(s[12])) * (1e9 / 100) : NaN; // USER_HZ is 100 on Linux
}

/** CPU nanoseconds of a process's main thread, exact (schedstat; zygotes and session processes run one thread). */
export function threadCpuOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
  } catch {
    return NaN;
  }
}

/** Minor and major page faults of one process so far. */
export function faultsOf(pid: number): { minor: number; major: number } {
  const s = stat(pid);
  return s ? { minor: Number(s[7]), major: Number(s[9]) } : { minor: NaN, major: NaN };
}

const ppid = (pid: number) => Number(stat(pid)?.[1] ?? 0);
const allPids = () =>
  readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .map(Number);

function sandboxed(pid: number): boolean {
  try {
    return statSync(`/proc/${pid}`).uid === SANDBOX_UID;
  } catch {
    return false;
  }
}

function isRunner(pid: number): boolean {
  try {
    // The interpreter running runner.py, not the bwrap whose command line ends with it.
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return !argv[0]?.endsWith("bwrap") && argv.some((a) => a.endsWith("/runner.py"));
  } catch {
    return false;
  }
}

function descends(pid: number, ancestor: number): boolean {
  for (let p = pid, i = 0; p > 1 && i < 64; p = ppid(p), i++) if (p === ancestor) return true;
  return false;
}

function kernelOf(pid: number): string | undefined {
  try {
    return /(?:^|\0)CELLAR_KERNEL=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/** Host pids of `kernel`'s zygotes below `servicePid`: runner processes whose parent is not one (sessions are). */
export function zygotePids(servicePid: number, kernel: string): number[] {
  return allPids().filter((p) => sandboxed(p) && isRunner(p) && !isRunner(ppid(p)) && descends(p, servicePid) && kernelOf(p) === kernel);
}

/** Host pids of the sandboxed processes whose working directory is `workDir` (a session's /work, bound). */
export function processesIn(workDir: string): number[] {
  const want = statSync(workDir);
  return allPids().filter((p) => {
    if (!sandboxed(p)) return false;
    try {
      const cwd = statSync(`/proc/${p}/cwd`);
      return cwd.ino === want.ino && cwd.dev === want.dev;
    } catch {
      return false;
    }
  });
}

/** Bytes charged to the memory cgroup `pid` is in (cgroup v1), NaN when unknown. */
export function cgroupMemoryOf(pid: number): number {
  try {
    const group = /^\d+:memory:(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, "utf8"))?.[1];
    return group ? Number(readFileSync(`/sys/fs/cgroup/memory${group}/memory.usage_in_bytes`, "utf8")) : NaN;
  } catch {
    return NaN;
  }
}
