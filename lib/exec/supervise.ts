/**
 * Keeps the execution service running for the launcher (scripts/start.ts): starts it, waits
 * until it answers /health, and when a service that was up dies, starts it again after a back-off
 * (1 s, doubling to 30 s; back to 1 s once a service has stayed up for a minute). The new service
 * clears the dead one's sessions and cgroups as it starts; the site tells each reader of a lost
 * session what happened (lib/runs/run-events.ts). No `server-only`: the launcher loads it.
 */
import type { ChildProcess } from "node:child_process";

export type TSupervisor = {
  /** Whether the first start answered /health (else Run is unavailable and nothing restarts). */
  readonly started: boolean;
  /** The running service's pid, if one runs. */
  pid(): number | undefined;
  /** Resolves the next time a (re)started service answers /health. */
  nextHealthy(): Promise<void>;
  /** Stops the service for good (SIGTERM); no restart follows. */
  stop(): void;
};

export async function superviseService(o: {
  spawn: () => ChildProcess;
  healthUrl: string;
  log: (line: string) => void;
  startTimeoutMs?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  stableAfterMs?: number;
}): Promise<TSupervisor> {
  const minDelay = o.minDelayMs ?? 1000;
  const maxDelay = o.maxDelayMs ?? 30_000;
  const stableAfter = o.stableAfterMs ?? 60_000;
  let child: ChildProcess | null = null;
  let stopping = false;
  let delay = minDelay;
  let waiters: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Spawns one service and resolves whether it answered /health before it exited or timed out. */
  const launch = async (): Promise<boolean> => {
    const c = o.spawn();
    child = c;
    const startedAt = Date.now();
    let exited = false;
    let healthy = false;
    c.on("exit", (code, signal) => {
      exited = true;
      if (child === c) child = null;
      if (stopping || !healthy) return;
      if (Date.now() - startedAt > stableAfter) delay = minDelay;
      o.log(`the execution service exited (${signal ?? `code ${code}`}); starting it again in ${delay / 1000} s`);
      timer = setTimeout(() => void relaunch(), delay);
      delay = Math.min(maxDelay, delay * 2);
    });
    const deadline = Date.now() + (o.startTimeoutMs ?? 90_000);
    while (!exited && !stopping && Date.now() < deadline) {
      if (
        await fetch(o.healthUrl).then(
          (r) => r.ok,
          () => false,
        )
      ) {
        healthy = true;
        const ready = waiters;
        waiters = [];
        for (const w of ready) w();
        return true;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!exited) c.kill("SIGTERM");
    return false;
  };

  const relaunch = async () => {
    if (stopping) return;
    if (!(await launch()) && !stopping) {
      o.log(`the execution service did not come back; trying again in ${delay / 1000} s`);
      timer = setTimeout(() => void relaunch(), delay);
      delay = Math.min(maxDelay, delay * 2);
    }
  };

  const started = await launch();
  return {
    started,
    pid: () => child?.pid,
    nextHealthy: () => new Promise((resolve) => waiters.push(resolve)),
    stop: () => {
      stopping = true;
      clearTimeout(timer);
      child?.kill("SIGTERM");
    },
  };
}
