/**
 * scatter/gather from a cell through the service, with real bwrap, Python and cgroups: results
 * in task order, poll before the end, per-task exceptions with their tracebacks, cancel, the
 * budgets, a worker killed mid-task, functions from the snippet's files, the job's progress on
 * the session's stream, and the Sage kernel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TSessionEvent } from "@/lib/exec/protocol";
import { JOB_MIME } from "@/lib/exec/service/scatter";
import { cellEvents, runCell, sageSkipReason, skipReason, startTestService, type TTestService } from "@/lib/exec/service/testing";

const skip = skipReason();

const stdoutOf = (events: TSessionEvent[]) =>
  events
    .filter((e) => e.message.header.msg_type === "stream" && (e.message.content as { name: string }).name === "stdout")
    .map((e) => (e.message.content as { text: string }).text)
    .join("");
const errorsOf = (events: TSessionEvent[]) =>
  events.filter((e) => e.message.header.msg_type === "error").map((e) => e.message.content as { ename: string; evalue: string; traceback: string[] });
const progressOf = (events: TSessionEvent[]) =>
  events.flatMap((e) => {
    const data = (e.message.content as { data?: Record<string, unknown> }).data;
    return e.message.header.msg_type === "display_data" && data?.[JOB_MIME]
      ? [data[JOB_MIME] as { job: string; done: number; failed: number; total: number; state: string }]
      : [];
  });

describe.skipIf(skip !== undefined)("scatter/gather in the service", () => {
  let t: TTestService;
  beforeAll(async () => {
    t = await startTestService({ limits: { wallSeconds: 10 }, scatter: { workers: 2, maxQueued: 500 } });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  async function run(code: string, files: { path: string; content: string }[] = []) {
    const { session, msg_id } = await t.client.createSession({
      files: files.map((f) => ({ path: f.path, base64: Buffer.from(f.content).toString("base64") })),
      client: "scatter",
      execute: { code },
    });
    const events = await cellEvents(t.client, session, msg_id!);
    return { session, events, stdout: stdoutOf(events), errors: errorsOf(events) };
  }

  it("returns every task's value in task order, from (args, kwargs) pairs and plain arguments", async () => {
    const r = await run(
      [
        "def f(a, b=0):",
        "    return a * 10 + b",
        "job = scatter(f, [((i,), {'b': 1}) if i % 2 else i for i in range(30)])",
        "print(gather(job))",
        "print(job.done, job.progress)",
      ].join("\n"),
    );
    expect(r.errors).toEqual([]);
    const expected = Array.from({ length: 30 }, (_, i) => i * 10 + (i % 2));
    expect(r.stdout).toBe(`[${expected.join(", ")}]\nTrue (30, 0, 30)\n`);
    const progress = progressOf(r.events);
    expect(progress.at(-1)).toMatchObject({ done: 30, failed: 0, total: 30, state: "done" });
  }, 60_000);

  it("polls the results finished so far without waiting for the rest", async () => {
    const r = await run(
      [
        "import time",
        "def f(i):",
        "    if i == 3:",
        "        time.sleep(2)",
        "    return i * i",
        "job = scatter(f, range(4))",
        "first = job.poll()",
        "print(job.done, len(first) < 4)",
        "time.sleep(1)",
        "print(sorted(job.poll().items())[:3], job.done)",
        "print(job.wait(timeout=20))",
      ].join("\n"),
    );
    expect(r.errors).toEqual([]);
    expect(r.stdout).toBe("False True\n[(0, 0), (1, 1), (2, 4)] False\n[0, 1, 4, 9]\n");
  }, 60_000);

  it("reports each failed task with its exception and traceback, and keeps the others' values", async () => {
    const r = await run(
      [
        "from cellar import TasksFailed",
        "def f(i):",
        "    if i in (2, 5):",
        "        raise ValueError(f'bad task {i}')",
        "    return i",
        "job = scatter(f, range(8))",
        "try:",
        "    job.wait()",
        "except TasksFailed as e:",
        "    print(sorted(e.errors), e.errors[2].ename, e.errors[5].evalue, sorted(e.results))",
        "    print('raise ValueError' in e.errors[2].traceback_text())",
        "    print(job.progress)",
        "gather(job)",
      ].join("\n"),
    );
    expect(r.stdout).toBe("[2, 5] ValueError bad task 5 [0, 1, 3, 4, 6, 7]\nTrue\n(8, 2, 8)\n");
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.ename).toBe("TasksFailed");
    expect(r.errors[0]!.evalue).toContain("2 of 8 tasks failed: 2, 5");
    expect(r.errors[0]!.evalue).toContain("ValueError: bad task 2");
    expect(progressOf(r.events).at(-1)).toMatchObject({ done: 8, failed: 2, total: 8, state: "done" });
  }, 60_000);
});
