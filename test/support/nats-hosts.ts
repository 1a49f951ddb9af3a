/**
 * Test support for execution hosts on NATS: a unique NATS_PREFIX per run on the machine's NATS
 * (127.0.0.1:4222, or CELLAR_TEST_NATS_URL), hosts started as separate processes
 * (`lib/exec/service/main.ts` with NATS_URL and EXEC_HOST_ID, each its own EXEC_DIR), and the
 * cleanup of what a run left in JetStream (the trees bucket's stream).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { TNatsEnv } from "@/lib/exec/config";
import { natsSubjects } from "@/lib/exec/nats/wire";
import { mountsUnder } from "@/lib/exec/service/mounts";
import { stopProcessGroup } from "@/test/e2e/support/process-group";

export const TEST_NATS_URL = process.env.CELLAR_TEST_NATS_URL ?? "nats://127.0.0.1:4222";

/** Whether NATS answers at `url` (a TCP connection is enough to tell). */
export async function natsReachable(url = TEST_NATS_URL): Promise<boolean> {
  const u = new URL(url.replace(/^nats:/, "http:"));
  return new Promise((resolve) => {
    const socket = netConnect({ host: u.hostname, port: Number(u.port || 4222) });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** A prefix of its own for this run: nothing it publishes or stores meets another run's. */
export function uniquePrefix(): string {
  return `cellartest${process.pid}x${Math.random().toString(36).slice(2, 8)}`;
}

export type TTestHost = { id: string; child: ChildProcess; execDir: string; log: () => string; stop: () => Promise<void> };

/** Starts execution host `id` as its own process, serving NATS under `prefix`. */
export function startHost(id: string, prefix: string, env: Record<string, string> = {}, o: { wrap?: string[] } = {}): TTestHost {
  const execDir = mkdtempSync(path.join(tmpdir(), `cellar-nats-${id}-`));
  let output = "";
  // The operator's command (docs/scale.md). It execs one node process (tsx as a loader), so its
  // pid is the host's: kill -9 kills the host itself. `wrap` (e.g. nsenter into a network
  // namespace) must exec the command too, keeping that pid.
  const command = ["bin/cellar", "exec-host"];
  const [file, ...args] = [...(o.wrap ?? []), ...command] as [string, ...string[]];
  const child = spawn(file, args, {
    env: {
      ...process.env,
      NATS_URL: TEST_NATS_URL,
      NATS_PREFIX: prefix,
      EXEC_HOST_ID: id,
      // Its loopback HTTP API (health) on a port of its own: several hosts share this machine.
      EXEC_URL: "http://127.0.0.1:0",
      EXEC_DIR: execDir,
      EXEC_POOL_SIZE: "1",
      EXEC_SAGE: "0",
      EXEC_MAX_SESSIONS: "4",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const keep = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (process.env.CELLAR_TEST_EXEC_LOG) process.stderr.write(`[${id}] ${chunk.toString("utf8")}`);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return {
    id,
    child,
    execDir,
    log: () => output,
    stop: async () => {
      await stopProcessGroup(child, 15_000);
      for (const point of mountsUnder(execDir)) spawnSync("umount", ["-l", point]);
      rmSync(execDir, { recursive: true, force: true });
    },
  };
}

/** The NATS settings of a site of this run. */
export function siteNats(prefix: string): TNatsEnv {
  return { servers: [TEST_NATS_URL], auth: { kind: "none" }, prefix };
}

/** Removes the JetStream streams this run's prefix made (the trees bucket). */
export async function removeRunStreams(prefix: string): Promise<void> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    const bucket = natsSubjects(prefix).treesBucket;
    await jsm.streams.delete(`OBJ_${bucket}`).catch(() => false);
  } finally {
    await nc.close();
  }
}
