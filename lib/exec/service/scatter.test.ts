/**
 * scatter/gather from a cell through the service, with real bwrap, Python and cgroups: results
 * in task order, poll before the end, per-task exceptions with their tracebacks, cancel, the
 * budgets, a worker killed mid-task, functions from the snippet's files, the job's progress on
 * the session's stream, and the Sage kernel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TSessionEvent } from "@/lib/exec/protocol";
import { JOB_MIME } from "@/lib/exec/protocol";
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
      files,
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

  it("cancels a job: tasks not started never run, wait says it was cancelled", async () => {
    const r = await run(
      [
        "import time",
        "from cellar import JobCancelled",
        "def f(i):",
        "    time.sleep(0.3)",
        "    return i",
        "job = scatter(f, range(40))",
        "time.sleep(0.5)",
        "job.cancel()",
        "finished, failed, total = job.progress",
        "print(job.done, finished < 40, total)",
        "try:",
        "    job.wait()",
        "except JobCancelled as e:",
        "    print('cancelled:', 'was cancelled' in str(e))",
      ].join("\n"),
    );
    expect(r.errors).toEqual([]);
    expect(r.stdout).toBe("True True 40\ncancelled: True\n");
    expect(progressOf(r.events).at(-1)?.state).toBe("cancelled");
    // Its workers are gone with it.
    expect(t.service.scatter.stats().workers).toBe(0);
  }, 60_000);

  it("refuses more tasks than a session may have waiting, with a clear error", async () => {
    const r = await run("job = scatter(abs, range(501))");
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.ename).toBe("ServiceError");
    expect(r.errors[0]!.evalue).toBe("scatter: 501 tasks is more than this session may have waiting (at most 500 unfinished tasks); scatter fewer at once");
  }, 60_000);

  it("runs functions imported from the snippet's files, which the workers have too", async () => {
    const r = await run("from helpers import square\nprint(gather(scatter(square, range(5))))", [
      { path: "helpers.py", content: "def square(x):\n    return x * x\n" },
    ]);
    expect(r.errors).toEqual([]);
    expect(r.stdout).toBe("[0, 1, 4, 9, 16]\n");
  }, 60_000);

  it("retries the task of a worker killed mid-task on another worker, and reports a task that kills every worker as failed", async () => {
    const { session, msg_id } = await t.client.createSession({
      files: [],
      client: "scatter",
      execute: {
        code: [
          "import os, time",
          "from cellar import TasksFailed",
          "def f(i):",
          "    if i == 0:",
          "        time.sleep(1.5)",
          "    if i == 5:",
          "        os._exit(3)",
          "    return i",
          "job = scatter(f, range(6))",
          "try:",
          "    job.wait(timeout=30)",
          "except TasksFailed as e:",
          "    print(sorted(e.results.items()), e.errors[5].ename, e.errors[5].evalue)",
          "    print(sorted(e.errors))",
        ].join("\n"),
      },
    });
    // Kill a worker from outside while task 0 sleeps in it.
    let killed = false;
    for (let i = 0; i < 100 && !killed; i++) {
      await new Promise((r) => setTimeout(r, 50));
      for (const job of t.service.scatter.jobIds()) {
        const worker = t.service.scatter.workersOf(job).find((w) => w.busy && w.hostPid > 0);
        if (worker) {
          process.kill(worker.hostPid, "SIGKILL");
          killed = true;
          break;
        }
      }
    }
    expect(killed).toBe(true);
    const events = await cellEvents(t.client, session, msg_id!);
    expect(errorsOf(events)).toEqual([]);
    expect(stdoutOf(events)).toBe("[(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)] WorkerLost task 5 did not finish: its worker ended (exited) twice\n[5]\n");
  }, 60_000);

  it("answers an unknown request, another session's job and a forged reply with clear errors, within its own session", async () => {
    const first = await run("job = scatter(abs, [-1, -2])\nprint(job.id, gather(job))");
    expect(first.errors).toEqual([]);
    const jobId = first.stdout.split(" ")[0]!;
    const r = await run(
      [
        "from cellar_kernel import requests",
        "for op, content in [('nope.nothing', {}), ('scatter.poll', {'job': " + JSON.stringify(jobId) + ", 'after': 0}), ('scatter.poll', {'job': 5})]:",
        "    try:",
        "        requests.request(op, content)",
        "    except requests.ServiceError as e:",
        "        print(e)",
      ].join("\n"),
    );
    expect(r.errors).toEqual([]);
    expect(r.stdout).toBe(
      [
        'unknown service request "nope.nothing" (this service answers: scatter.add, scatter.cancel, scatter.create, scatter.poll, shared.delete, shared.get, shared.keys, shared.set, shared.wait)',
        `there is no scatter job ${jobId} in this session`,
        "scatter.poll: job: Invalid input: expected string, received number",
        "",
      ].join("\n"),
    );
  }, 60_000);

  it("refuses a scatter.add that does not fit its job with a clear error, and leaves the job as it was", async () => {
    const r = await run(
      [
        "import base64, cloudpickle",
        "from cellar_kernel import requests",
        "b64 = lambda x: base64.b64encode(cloudpickle.dumps(x)).decode('ascii')",
        "task = lambda n: b64(((n,), {}))",
        "job = requests.request('scatter.create', {'fn': b64({'f': abs, 'sources': {}}), 'total': 3})['job']",
        "for content in [{'tasks': [task(-1)], 'last': True}, {'tasks': [task(-1)] * 4}]:",
        "    try:",
        "        requests.request('scatter.add', {'job': job, **content})",
        "    except requests.ServiceError as e:",
        "        print(e)",
        "requests.request('scatter.add', {'job': job, 'tasks': [task(-1), task(-2), task(-3)], 'last': True})",
        "from cellar.jobs import Job",
        "print(Job(job, 3).wait(timeout=30))",
        "try:",
        "    requests.request('scatter.add', {'job': job, 'tasks': []})",
        "except requests.ServiceError as e:",
        "    print(e)",
      ].join("\n"),
    );
    expect(r.errors).toEqual([]);
    expect(r.stdout).toBe(
      [
        "scatter.add: 1 tasks, 3 announced",
        "scatter.add: more tasks than the 3 announced",
        "[1, 2, 3]",
        "scatter.add: the job has all its tasks already",
        "",
      ].join("\n"),
    );
  }, 60_000);

  it("survives a cell that floods requests and never reads the answers: refused past the budget, the next cell runs", async () => {
    const { session, msg_id } = await t.client.createSession({
      files: [],
      client: "scatter",
      execute: {
        code: [
          "from cellar_kernel import requests",
          "channel = requests.client._channel",
          "for i in range(3000):",
          "    channel.send('service_request', {'id': i + 1000, 'op': 'scatter.poll', 'job': 'x' * 1000, 'after': 0})",
          "refused = 0",
          "for i in range(1000):",
          "    try:",
          "        requests.request('nope.x', {})",
          "    except requests.ServiceError as e:",
          "        refused += 'per second' in str(e) or 'waiting for an answer' in str(e)",
          "print('refused', refused > 0)",
        ].join("\n"),
      },
    });
    const events = await cellEvents(t.client, session, msg_id!);
    expect(stdoutOf(events)).toBe("refused True\n");
    const next = await t.client.execute({ session, code: "print('still here')" });
    expect(stdoutOf(await cellEvents(t.client, session, next.msg_id))).toBe("still here\n");
  }, 60_000);

  it("runs outside a session too: the tasks run in the cell's own process", async () => {
    const r = await runCell(t.client, "import cellar_kernel.requests as q\nq.client = None\nprint(gather(scatter(lambda x: x + 1, [1, 2])))");
    expect(r.stdout).toBe("[2, 3]\n");
  }, 60_000);
});

describe.skipIf(skip !== undefined)("a scatter job's CPU budget", () => {
  let t: TTestService;
  beforeAll(async () => {
    t = await startTestService({ limits: { wallSeconds: 20 }, scatter: { workers: 2, cpuSecondsPerJob: 1 } });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("stops a job whose workers used more CPU time than its budget, and says why", async () => {
    const r = await runCell(
      t.client,
      [
        "import time",
        "from cellar import JobCancelled",
        "def burn(i):",
        "    end = time.process_time() + 0.3",
        "    while time.process_time() < end:",
        "        pass",
        "    return i",
        "job = scatter(burn, range(20))",
        "try:",
        "    job.wait()",
        "except JobCancelled as e:",
        "    print(e)",
        "finished, failed, total = job.progress",
        "print(finished < 20)",
      ].join("\n"),
      { timeout: 20 },
    );
    expect(r.stdout).toMatch(/^scatter job \S+ was stopped \(its workers used more than 1 s of CPU time together\): \d+ of 20 tasks finished\nTrue\n$/);
  }, 60_000);
});

describe.skipIf(skip !== undefined)("scatter with little room", () => {
  let t: TTestService;
  beforeAll(async () => {
    t = await startTestService({ maxSessions: 2, limits: { wallSeconds: 10 }, scatter: { workers: 4 } });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("takes only free room: a job waits while a reader's session holds the last slot, without blocking the cell, and goes on once it is free", async () => {
    const { session, msg_id } = await t.client.createSession({
      files: [],
      client: "room",
      execute: { code: "job = scatter(lambda i: i + 1, range(20))\nprint(gather(job, timeout=8)[-1])" },
    });
    const first = await cellEvents(t.client, session, msg_id!);
    expect(stdoutOf(first)).toBe("20\n");
    // A reader's session takes the last slot: the next job finds no room, and its wait times out
    // instead of holding the session (which answers the next cell).
    const other = await t.client.createSession({ files: [], client: "reader", execute: { code: "import time\ntime.sleep(6)" } });
    const second = await t.client.execute({
      session,
      code: "job = scatter(abs, [1, 2])\ntry:\n    job.wait(timeout=2)\nexcept TimeoutError as e:\n    print('timeout', job.progress)",
    });
    expect(stdoutOf(await cellEvents(t.client, session, second.msg_id))).toBe("timeout (0, 0, 2)\n");
    // The reader's session ends: its slot goes to the waiting job's worker.
    await cellEvents(t.client, other.session, other.msg_id!);
    await t.client.close({ session: other.session });
    const third = await t.client.execute({ session, code: "print(job.wait(timeout=8))" });
    expect(stdoutOf(await cellEvents(t.client, session, third.msg_id))).toBe("[1, 2]\n");
  }, 60_000);
});

describe.skipIf(sageSkipReason() !== undefined)("scatter/gather in the sage kernel", () => {
  let t: TTestService;
  beforeAll(async () => {
    t = await startTestService({ sage: true, limits: { memoryBytes: 768 * 1024 * 1024, wallSeconds: 30 }, scatter: { workers: 2 } });
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("round-trips Sage integers and polynomials through the workers", async () => {
    const { session, msg_id } = await t.client.createSession({
      files: [],
      client: "sage-scatter",
      kernel: "sage",
      execute: {
        code: ["R.<y> = QQ[]", "def f(n, p):", "    return (factorial(n), p^n)", "print(gather(scatter(f, [((n, y + 1), {}) for n in range(1, 4)])))"].join(
          "\n",
        ),
      },
    });
    const events = await cellEvents(t.client, session, msg_id!);
    expect(errorsOf(events)).toEqual([]);
    expect(stdoutOf(events)).toBe("[(1, y + 1), (2, y^2 + 2*y + 1), (6, y^3 + 3*y^2 + 3*y + 1)]\n");
  }, 120_000);
});
