/**
 * Starts the real execution service (bubblewrap, Python) for an integration test file, on a
 * free port and a scratch directory of its own, and stops it after the file's tests. Tests
 * that need it are skipped, with a warning, where it cannot run (and fail where scripts/test.sh
 * found that it can: sandbox-required.ts): call at the top level and pass the answer to
 * `describe.skipIf`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { sageInstalled } from "@/lib/exec/kernels";
import { mountsUnder } from "@/lib/exec/service/mounts";
import { freePort } from "@/test/e2e/support/free-port";
import { stopProcessGroup } from "@/test/e2e/support/process-group";
import { sandboxSkip } from "@/test/support/sandbox-required";

/** The service's entry point (as scripts/start.ts starts it). */
const SERVICE_ENTRY = "lib/exec/service/main.ts";

/**
 * Why the service cannot run here, or null when it runs (and EXEC_URL points at it). It offers
 * only `python` (EXEC_SAGE=0: a server without Sage) unless `sage` is set; then SageMath must be
 * installed, else the same skip.
 */
export function useExecService(file: string, o: { sage?: boolean } = {}): string | null {
  if (!existsSync("/usr/bin/bwrap")) {
    const why = sandboxSkip("bubblewrap (/usr/bin/bwrap) is not installed")!;
    console.warn(`${file}: tests that need the execution service are skipped: ${why}`);
    return why;
  }
  if (o.sage && !sageInstalled()) {
    const why = "SageMath is not installed (CELLAR_SAGE=0)";
    console.warn(`${file}: tests that need the sage kernel are skipped: ${why}`);
    return why;
  }

  let service: ChildProcess | undefined;
  let execDir: string | undefined;
  beforeAll(async () => {
    const port = await freePort();
    execDir = mkdtempSync(path.join(tmpdir(), "cellar-exec-"));
    process.env.EXEC_URL = `http://127.0.0.1:${port}`;
    service = spawn("npx", ["--no-install", "tsx", "--conditions=react-server", SERVICE_ENTRY], {
      env: { ...process.env, EXEC_DIR: execDir, EXEC_POOL_SIZE: "1", EXEC_SAGE: o.sage ? "1" : "0" },
      stdio: ["ignore", "inherit", "inherit"],
      detached: true,
    });
    servicePgid = service.pid;
    await waitForHealth(`${process.env.EXEC_URL}/health`, 60_000);
  }, 90_000);

  afterAll(async () => {
    // npx exits at once; the service itself goes on shutting down (sessions, cgroups, its
    // unmounts) in the same process group: wait for the whole group, then kill what is left.
    if (service) await stopProcessGroup(service, 20_000);
    // What a service killed before its own unmounts left, as the next service's start would.
    if (execDir) for (const point of mountsUnder(execDir)) spawnSync("umount", ["-l", point]);
    if (execDir) rmSync(execDir, { recursive: true, force: true });
    servicePgid = undefined;
  });
  return null;
}

/** Process group of the service started by useExecService (it is started `detached`). */
let servicePgid: number | undefined;

/**
 * Bytes the service's processes (npx, tsx, node: its process group) have read so far, from
 * `/proc/<pid>/io` (`rchar`: read(2) of files and sockets alike). The difference across a request
 * shows how much of a file the service had read by then.
 */
export function execServiceReadBytes(): number {
  if (servicePgid === undefined) throw new Error("the execution service is not running (call useExecService first)");
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      // Field 5 of stat is the process group; the command name before it may hold spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (pgid !== servicePgid) continue;
      total += Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function waitForHealth(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the execution service did not answer ${url} within ${ms} ms`);
}
