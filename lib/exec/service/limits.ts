/** The per-session limits of the service and how a hit one is said to the user. */
import type { TLimitKind } from "@/lib/exec/protocol";

export type TLimits = {
  memoryBytes: number;
  pids: number;
  /** CPU share of all the session's processes together, in cores (a CFS quota). */
  cpus: number;
  /** CPU time a cell may use, counted over all the session's processes; also what processes left running may use between cells. */
  cpuSeconds: number;
  wallSeconds: number;
  outputBytes: number;
  /** The size of the run directory's tmpfs: what the snippet's files and the cells' together may take. */
  filesBytes: number;
  /** Files (and folders) a session's directory may hold; a flood of empty files is a disk attack too. */
  fileCount: number;
  /** Open files per process of a session (RLIMIT_NOFILE, soft and hard). */
  nofile: number;
};

/** "1 MB", "64 KB", "1500 bytes": sizes as people say them (powers of 1024). */
export function formatBytes(n: number): string {
  if (n >= 1048576 && n % 1048576 === 0) return `${n / 1048576} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}

/** The plain sentence shown when `kind` stopped a cell, e.g. "stopped: used more than 512 MB of memory". */
export function limitMessage(kind: TLimitKind, limits: TLimits, wallSeconds = limits.wallSeconds): string {
  switch (kind) {
    case "time":
      return `stopped: ran longer than ${wallSeconds} s`;
    case "cpu":
      return `stopped: used more than ${limits.cpuSeconds} s of CPU time`;
    case "memory":
      return `stopped: used more than ${formatBytes(limits.memoryBytes)} of memory`;
    case "output":
      return `stopped: printed more than ${formatBytes(limits.outputBytes)} of output`;
    case "files":
      return `stopped: wrote more than ${formatBytes(limits.filesBytes)} of files`;
    case "processes":
      return `stopped: started more than ${limits.pids} processes`;
  }
}
