/**
 * The process listening on a TCP port of this machine, found as `ss -p` would: the socket's
 * inode from /proc/net/tcp{,6}, then the process holding it among /proc/<pid>/fd. Reading other
 * processes' fds needs the same user or root.
 */
import { readFileSync, readdirSync, readlinkSync } from "node:fs";

export function listenerPid(port: number): number | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let lines: string[] = [];
    try {
      lines = readFileSync(table, "utf8").split("\n").slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; the inode is the tenth field.
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A" && f[9]) inodes.add(`socket:[${f[9]}]`);
    }
  }
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return Number(pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  return null;
}

/** The real uid of a process (the first number of the `Uid:` line of /proc/<pid>/status). */
export function uidOf(pid: number): number {
  const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m?.[1]) throw new Error(`no Uid line for process ${pid}`);
  return Number(m[1]);
}

/** One variable of a process's environment at its start. */
export function environOf(pid: number, name: string): string | undefined {
  for (const entry of readFileSync(`/proc/${pid}/environ`, "utf8").split("\0")) {
    if (entry.startsWith(`${name}=`)) return entry.slice(name.length + 1);
  }
  return undefined;
}
