/**
 * Test support: a real service (real bwrap, Python, cgroups) in-process on a free port with a
 * temporary EXEC_DIR and small limits, and the reason to skip when this host cannot run it.
 */
import { existsSync, mkdtempSync, rmSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createExecClient, type TExecClient } from "@/lib/exec/client";
import { PYTHON_KERNEL, SAGE_KERNEL, sageInstalled } from "@/lib/exec/kernels";
import { isDeadStatus, isMsgType, type TContentOf, type TMessageOf, type TMsgType, type TSessionEvent, type TSharedScope } from "@/lib/exec/protocol";
import type { TLimits } from "@/lib/exec/service/limits";
import { BWRAP, RUNNER_DIR } from "@/lib/exec/service/sandbox";
import { startExecService, type TExecService, type TServiceConfig } from "@/lib/exec/service/service";
import { sandboxSkip } from "@/test/support/sandbox-required";

/**
 * Why the sandbox tests cannot run here, or undefined when they can. Throws instead where
 * scripts/test.sh found that they can (test/support/sandbox-required.ts).
 */
export function skipReason(): string | undefined {
  return sandboxSkip(sandboxMissing());
}

function sandboxMissing(): string | undefined {
  if (!existsSync(BWRAP)) return `${BWRAP} is missing (apt-get install bubblewrap)`;
  if (process.getuid?.() !== 0) return "the execution service needs root (uid 65534 sandboxes, cgroups)";
  if (!existsSync("/sys/fs/cgroup/memory/cgroup.procs")) return "cgroup v1 memory controller is not mounted";
  if (!existsSync(path.join(RUNNER_DIR, "runner.py"))) return "lib/exec/python/runner.py is not there yet";
  return undefined;
}

/** Why the Sage kernel's tests cannot run here, or undefined when they can. */
export function sageSkipReason(): string | undefined {
  return skipReason() ?? (sageInstalled() ? undefined : "SageMath is not installed (apt-get install sagemath; scripts/setup.sh does it unless CELLAR_SAGE=0)");
}

/** Small limits so that hostile cells hit them quickly. */
export const TEST_LIMITS: TLimits = {
  memoryBytes: 128 * 1024 * 1024,
  pids: 32,
  cpus: 1,
  cpuSeconds: 10,
  wallSeconds: 3,
  outputBytes: 64 * 1024,
  filesBytes: 5 * 1024 * 1024,
  fileCount: 2000,
  nofile: 1024,
};

/**
 * What the Sage tests change in TEST_LIMITS: Sage's own pages (plots, Maxima) need more room
 * than 128 MB, a plot or a 3D scene more than 64 KB of output, and a first Sage plot in a loaded
 * run more than 3 s.
 */
export const SAGE_TEST_LIMITS: Partial<TLimits> = { memoryBytes: 768 * 1024 * 1024, wallSeconds: 20, outputBytes: 2 * 1024 * 1024 };

export type TTestService = { service: TExecService; client: TExecClient; execDir: string; stop: () => Promise<void> };

/** Starts a service for one test file. */
export async function startTestService(
  overrides: {
    limits?: Partial<TLimits>;
    perClient?: number;
    maxSessions?: number;
    idleSeconds?: number;
    maxLifeSeconds?: number;
    hostId?: string;
    sage?: boolean;
    scatter?: TServiceConfig["scatter"];
    sharedBackend?: TServiceConfig["sharedBackend"];
  } = {},
): Promise<TTestService> {
  const execDir = mkdtempSync(path.join(tmpdir(), "cellar-exec-test-"));
  const parent = `cellar-test-${process.pid}-${path.basename(execDir)}`;
  const service = await startExecService({
    execDir,
    kernels: new Map(
      overrides.sage
        ? [
            ["python", PYTHON_KERNEL],
            ["sage", SAGE_KERNEL],
          ]
        : [["python", PYTHON_KERNEL]],
    ),
    limits: { ...TEST_LIMITS, ...overrides.limits },
    poolSize: 1, // one zygote per kernel: a Sage zygote is ~300 MB and ~10 s to start
    maxSessions: overrides.maxSessions ?? 16,
    perClient: overrides.perClient ?? 100,
    queue: 8,
    idleSeconds: overrides.idleSeconds ?? 60,
    maxLifeSeconds: overrides.maxLifeSeconds ?? 600,
    hostId: overrides.hostId ?? "",
    scatter: overrides.scatter,
    sharedBackend: overrides.sharedBackend,
    retainSeconds: 60,
    interruptGraceMs: 1500,
    cgroups: { parent },
    host: "127.0.0.1",
    port: 0,
    log: process.env.CELLAR_TEST_EXEC_LOG ? (line: string) => console.log(`exec: ${line}`) : () => {},
  });
  return {
    service,
    client: createExecClient(service.url),
    execDir,
    stop: async () => {
      await service.close();
      rmSync(execDir, { recursive: true, force: true });
      for (const c of ["memory", "pids", "cpu", "cpuacct"]) {
        try {
          rmdirSync(`/sys/fs/cgroup/${c}/${parent}`);
        } catch {
          // a session's group still draining; harmless
        }
      }
    },
  };
}

/** Runs `code` in a fresh session and returns stdout, stderr and the run's result. */
export async function runCell(
  client: TExecClient,
  code: string,
  o: {
    filename?: string;
    files?: { path: string; content: string }[];
    clientKey?: string;
    kernel?: string;
    timeout?: number;
    shared?: TSharedScope | null;
  } = {},
) {
  const result = await client.runToCompletion({
    files: o.files ?? [],
    code,
    filename: o.filename,
    client: o.clientKey ?? "test",
    ...(o.kernel ? { kernel: o.kernel } : {}),
    ...(o.timeout ? { timeout: o.timeout } : {}),
    ...(o.shared ? { shared: o.shared } : {}),
  });
  const text = (name: string) => result.outputs.flatMap((x) => (x.output_type === "stream" && x.name === name ? [x.text] : [])).join("");
  return { ...result, stdout: text("stdout"), stderr: text("stderr") };
}

/**
 * The messages of one cell or interact update (`msgId`) of `session`, from the session's event
 * `after` on, until its idle status, or the session's end (its `dead` status is included).
 */
export async function cellEvents(client: TExecClient, session: string, msgId: string, after = 0): Promise<TSessionEvent[]> {
  const out: TSessionEvent[] = [];
  for await (const e of client.events({ session, after })) {
    const dead = isDeadStatus(e.message);
    if (e.message.parent_header.msg_id === msgId || dead) out.push(e);
    if (dead || (out.at(-1) === e && isMsgType(e.message, "status") && e.message.content.execution_state === "idle")) break;
  }
  return out;
}

/** The content of each `msgType` message among `events`, in order (typed: `contentsOf(events, "error")[0]?.ename`). */
export function contentsOf<T extends TMsgType>(events: TSessionEvent[], msgType: T): TContentOf<T>[] {
  return (
    events
      .map((e) => e.message)
      .filter((m): m is TMessageOf<T> => isMsgType(m, msgType))
      // TypeScript does not follow a generic T from the message to its content: the guard did.
      .map((m) => m.content as TContentOf<T>)
  );
}

/** The interact descriptions (application/vnd.cellar.interact+json) among `events`. */
export function interactSpecs<T = { id: string; controls: { name: string; type: string }[] }>(events: TSessionEvent[]): T[] {
  return events.flatMap((e) => {
    const data = isMsgType(e.message, "display_data") ? e.message.content.data : {};
    return data["application/vnd.cellar.interact+json"] ? [data["application/vnd.cellar.interact+json"] as T] : [];
  });
}
