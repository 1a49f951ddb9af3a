/**
 * What a session may take of the host, checked from the host against the real service: its
 * processes' CPU share (the cpu cgroup's quota), its CPU time per cell and between cells counted
 * over all its processes (cpuacct), and its run directory's bytes and files (a size-limited
 * tmpfs: the kernel refuses writes past it, ENOSPC, even from a process a cell left running).
 * Every test runs in each kernel (`python`, and `sage` where SageMath is installed).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDeadStatus, isMsgType, type TSessionEvent } from "@/lib/exec/protocol";
import { sessionsDir } from "@/lib/exec/service/sandbox";
import {
  cellEvents,
  contentsOf,
  runCell as runInKernel,
  SAGE_TEST_LIMITS,
  sageSkipReason,
  skipReason,
  startTestService,
  type TTestService,
} from "@/lib/exec/service/testing";

const skip = skipReason();
const sageSkip = sageSkipReason();
if (!skip && sageSkip) console.warn(`resource limits in the sage kernel skipped: ${sageSkip}`);

/**
 * A tenth of a core per session (small, so that a loaded host still gives four loops more than
 * that) and half a second of CPU time: a busy loop reaches it in ~5 s.
 */
const CPUS = 0.1;
const CPU_SECONDS = 0.5;
const FILES_BYTES = 5 * 1024 * 1024;
const FILE_COUNT = 2000;

/** Host pids whose cgroups are session `id`'s (the kernel's own record, /proc/<pid>/cgroup). */
function sessionPids(id: string): number[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cgroup`, "utf8").includes(`.${id}\n`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** CPU time (user + system) of one process in seconds, as the kernel counts it (/proc/<pid>/stat), 0 once gone. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** Bytes and entries under `dir` on the host. */
function hostUsage(dir: string): { bytes: number; entries: number } {
  let bytes = 0;
  let entries = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    entries++;
    if (entry.isFile()) bytes += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return { bytes, entries };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skip !== undefined).each(sageSkip ? ["python"] : ["python", "sage"])("session resources (%s kernel)", (kernel) => {
  let t: TTestService;
  const runCell = (code: string, o: Parameters<typeof runInKernel>[2] = {}) => runInKernel(t.client, code, { kernel, ...o });
  /** The LimitExceeded message among `events`, if any. */
  const limitIn = (events: TSessionEvent[]) => contentsOf(events, "error").find((c) => c.ename === "LimitExceeded")?.evalue;

  beforeAll(async () => {
    t = await startTestService({
      sage: kernel === "sage",
      limits: {
        ...(kernel === "sage" ? SAGE_TEST_LIMITS : {}),
        cpus: CPUS,
        cpuSeconds: CPU_SECONDS,
        wallSeconds: 30,
        filesBytes: FILES_BYTES,
        fileCount: FILE_COUNT,
      },
    });
    // A Sage zygote takes ~10 s to start (much more on a loaded host): not the first test's time.
    await t.service.pools.get(kernel)!.whenReady(170_000);
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("keeps a cell's busy background processes within the session's CPU share", async () => {
    const code = "import subprocess, sys\nfor _ in range(4):\n    subprocess.Popen([sys.executable, '-c', 'while True: pass'])\nprint('started')";
    const { session, msg_id } = await t.client.createSession({ files: [], client: "cpu-share", kernel, execute: { code } });
    const events = await cellEvents(t.client, session, msg_id!);
    expect(
      contentsOf(events, "stream")
        .map((c) => c.text)
        .join(""),
    ).toContain("started");
    // Measured by the kernel's per-process accounting over a window, not by our cgroup's counter.
    const pids = sessionPids(session);
    expect(pids.length).toBeGreaterThanOrEqual(5); // the session process and its four loops
    const before = pids.reduce((s, p) => s + processCpuSeconds(p), 0);
    const started = Date.now();
    await sleep(2000);
    const used = pids.reduce((s, p) => s + processCpuSeconds(p), 0) - before;
    const window = (Date.now() - started) / 1000;
    // Slack: one period's quota carried over, and each process's figure rounded down to a clock
    // tick (10 ms) at both reads. Four loops without a quota take up to the host's two cores.
    expect(used).toBeLessThanOrEqual(CPUS * window + 0.12);
    await t.client.close({ session });
  });

  it("stops a cell whose forked child spins, by the session's CPU time", async () => {
    // The child ignores SIGXCPU, so its own RLIMIT_CPU cannot stop it; the parent just waits.
    const code =
      "import os, signal\npid = os.fork()\nif pid == 0:\n    signal.signal(signal.SIGXCPU, signal.SIG_IGN)\n    while True:\n        pass\nos.waitpid(pid, 0)\nprint('child ended')";
    const r = await runCell(code);
    const limit = r.outputs.find((o) => o.output_type === "error" && o.ename === "LimitExceeded") as { evalue: string } | undefined;
    expect(limit?.evalue).toBe(`stopped: used more than ${CPU_SECONDS} s of CPU time`);
    expect(r.stdout).not.toContain("child ended");
  });

  it("ends the session when processes left running use more than the CPU limit between cells", async () => {
    const code = "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'while True: pass'])\nprint('left running')";
    const { session, msg_id } = await t.client.createSession({ files: [], client: "cpu-idle", kernel, execute: { code } });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 30_000); // without the check, the session would sit idle for a minute
    const events: TSessionEvent[] = [];
    try {
      for await (const e of t.client.events({ session, signal: abort.signal })) {
        events.push(e);
        if (isDeadStatus(e.message)) break;
      }
    } catch (e) {
      if (!abort.signal.aborted) throw e;
    } finally {
      clearTimeout(timer);
    }
    const dead = events.at(-1)!;
    expect(dead.message.content).toEqual({ execution_state: "dead" });
    expect(dead.message.metadata).toMatchObject({ reason: "limit" });
    const mine = events.filter((e) => e.message.parent_header.msg_id === msg_id);
    expect(limitIn(mine)).toBe(`stopped: processes left running used more than ${CPU_SECONDS} s of CPU time between cells`);
    // Ended after its cell had finished, not as part of it.
    const idle = mine.findIndex((e) => isMsgType(e.message, "status") && e.message.content.execution_state === "idle");
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(idle).toBeLessThan(mine.findIndex((e) => e.message.header.msg_type === "error"));
  });

  it("stops a background writer at the files limit: ENOSPC, and no more than the limit on the host", async () => {
    // 20 files of 1 MB (RLIMIT_FSIZE caps each file, not their sum), written after the cell returned:
    // the writer waits for the second cell's go-ahead (else it may fill the directory before a
    // slow kernel's first cell has ended, and that cell rightly reports the limit).
    const writer = [
      "import os, time",
      "while not os.path.exists('/tmp/go'):",
      "    time.sleep(0.02)",
      "try:",
      "    for i in range(20):",
      "        fd = os.open(f'/work/big{i}.bin', os.O_WRONLY | os.O_CREAT, 0o644)",
      "        for _ in range(16):",
      "            os.write(fd, b'x' * 65536)",
      "        os.close(fd)",
      "    result = 'wrote all'",
      "except OSError as e:",
      "    result = os.strerror(e.errno)",
      "open('/tmp/writer.txt', 'w').write(result)",
    ].join("\n");
    const code = "import subprocess, sys\nsubprocess.Popen([sys.executable, 'writer.py'])\nprint('writing')";
    const { session, msg_id } = await t.client.createSession({ files: [{ path: "writer.py", content: writer }], client: "disk", kernel, execute: { code } });
    const first = await cellEvents(t.client, session, msg_id!);
    expect(limitIn(first)).toBeUndefined();
    const go = await t.client.execute({ session, code: "open('/tmp/go', 'w').close()" });
    await cellEvents(t.client, session, go.msg_id); // may already report the limit: the writer starts at once
    const work = path.join(sessionsDir(t.execDir), session, "work");
    // Until the writer is done (its result file) or has written far past the limit.
    let result = "";
    for (let i = 0; i < 200 && hostUsage(work).bytes <= 4 * FILES_BYTES; i++) {
      const read = await t.client.execute({ session, code: "import os\nprint(open('/tmp/writer.txt').read() if os.path.exists('/tmp/writer.txt') else '')" });
      const out = await cellEvents(t.client, session, read.msg_id);
      result = contentsOf(out, "stream")
        .map((c) => c.text)
        .join("")
        .trim();
      if (result) break;
      await sleep(100);
    }
    expect(result).toBe("No space left on device");
    expect(hostUsage(work).bytes).toBeLessThanOrEqual(FILES_BYTES);
    await t.client.close({ session });
  });

  it("a cell creating files without end gets ENOSPC at the file count, and the page says so", async () => {
    // range() and %: Python ints even under Sage's preparser (its Integers cost CPU time per file).
    const code =
      "import os\ntry:\n    for n in range(100000):\n        os.close(os.open('f%d' % n, os.O_CREAT | os.O_WRONLY))\nexcept OSError as e:\n    print(n, os.strerror(e.errno))";
    const { session, msg_id } = await t.client.createSession({ files: [], client: "inodes", kernel, execute: { code } });
    const events = await cellEvents(t.client, session, msg_id!);
    const stdout = contentsOf(events, "stream")
      .map((c) => c.text)
      .join("");
    expect(stdout).toMatch(/^\d+ No space left on device\n$/);
    // The two inodes a pre-spawned session's files passed through are the cell's afterwards (mounts.ts).
    expect(Number(stdout.split(" ")[0])).toBeLessThanOrEqual(FILE_COUNT + 2);
    expect(limitIn(events)).toBe(`stopped: created more than ${FILE_COUNT} files`);
    expect(hostUsage(path.join(sessionsDir(t.execDir), session, "work")).entries).toBeLessThanOrEqual(FILE_COUNT + 2);
    await t.client.close({ session });
  });

  it("a cell creating files in /tmp without end gets ENOSPC at its inode limit", async () => {
    // Bounded, so that without the limit the cell ends by itself (a default tmpfs allows millions);
    // raw os calls, so that the loop stays well within the half second of CPU time.
    // A second cell: a pre-spawned session's warm-up (a plot; Sage's is heavy) may still be
    // running when the first cell is sent, and counts in that cell's half second.
    const { session, msg_id } = await t.client.createSession({ files: [], client: "tmp-inodes", kernel, execute: { code: "pass" } });
    await cellEvents(t.client, session, msg_id!);
    const fill = await t.client.execute({
      session,
      code: "import os\ntry:\n    for n in range(20000):\n        os.close(os.open('/tmp/f%d' % n, os.O_CREAT | os.O_WRONLY))\n    print('all created')\nexcept OSError as e:\n    print(n, os.strerror(e.errno))",
    });
    const stdout = contentsOf(await cellEvents(t.client, session, fill.msg_id), "stream")
      .map((c) => c.text)
      .join("");
    expect(stdout).toMatch(/^\d+ No space left on device\n$/);
    expect(Number(stdout.split(" ")[0])).toBeLessThanOrEqual(4096);
    await t.client.close({ session });
  });
});
