/**
 * Stopping a server started with `spawn(..., { detached: true })`: `npm start` leads its own
 * process group, below it tsx and then the web server. npm exits as soon as it is signalled, while
 * the web server may still be writing to the data and repos directories, so "stopped" means the whole
 * group is gone, not just its leader.
 */
import type { ChildProcess } from "node:child_process";

/** SIGTERM to the group, SIGKILL after `graceMs`; resolves once no process of it is left. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined || !groupAlive(pgid)) return;
  signalGroup(pgid, "SIGTERM");
  const killAt = Date.now() + graceMs;
  while (groupAlive(pgid)) {
    if (Date.now() > killAt) {
      signalGroup(pgid, "SIGKILL");
      // A killed process can linger as a zombie until its parent reaps it; do not wait forever.
      if (Date.now() > killAt + 2_000) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Gone in the meantime: nothing left to stop.
  }
}
