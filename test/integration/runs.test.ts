/**
 * Run against the real execution service (bubblewrap, Python, cgroups): lib/runs opens sessions
 * from snippets' files at a revision, streams their messages (and resumes), runs cells in the
 * same namespace, and runs code to completion with nbformat outputs; interact updates, through
 * lib/runs and the site's route, refuse bad input and spend their own budget. The Run budget is
 * tested without the service: it is spent before the service is asked.
 */
import { describe, expect, it } from "vitest";
import { POST as postInteractUpdate } from "@/app/api/v1/runs/[session]/interacts/route";
import { AppError } from "@/lib/errors";
import { isMsgType } from "@/lib/exec/protocol";
import { spendBudget } from "@/lib/runs/run-client-key";
import { runToCompletion } from "@/lib/runs/run-code";
import { listExecHosts } from "@/lib/runs/list-exec-hosts";
import { runCell } from "@/lib/runs/run-cell";
import type { TInteract } from "@/lib/runs/run-log";
import { startRun } from "@/lib/runs/start-run";
import { closeRun } from "@/lib/runs/close-run";
import { updateInteract } from "@/lib/runs/update-interact";
import { createSnippet } from "@/lib/snippets/create-snippet";
import type { TActor } from "@/lib/snippets/schema";
import { createToken } from "@/lib/tokens/create-token";
import { createUser } from "@/lib/users/create-user";
import { appError } from "@/test/support/app-error";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";
import { useExecService } from "@/test/support/exec-service";
import { follow, stdoutOf } from "@/test/support/follow-run";

closeDbAfterAll();

const why = useExecService("runs.test.ts");

async function newUser(): Promise<TActor> {
  const u = await createUser({ username: uniqueName("run"), password: "correct horse battery" });
  return { id: u.id, username: u.username };
}

describe.skipIf(why !== null)("runs on the execution service", () => {
  it("runs a snippet's main file, which imports its other file, then a cell in the same namespace", async () => {
    const owner = await newUser();
    const snippet = await createSnippet({
      actor: owner,
      title: "Two files",
      files: [
        { path: "main.py", content: "from helper import VALUE\nprint('helper says', VALUE)\n" },
        { path: "helper.py", content: "VALUE = 41 + 1\n" },
      ],
    });
    // Someone else, signed out, presses Run.
    const run = await startRun({ actor: null, address: "198.18.0.1", owner: owner.username, slug: snippet.slug });
    expect(run.mainFile).toBe("main.py");
    expect(run.msgId).toBeTruthy();
    // Without NATS the one embedded host ran it.
    expect(run.host).toBe("local");
    const first = await follow(run.session, run.msgId ?? "");
    expect(stdoutOf(first.log, run.msgId ?? "")).toBe("helper says 42\n");

    const cell = await runCell({ actor: null, address: "198.18.0.1", session: run.session, code: "VALUE * 2" });
    const second = await follow(run.session, cell.msgId, Math.max(...first.seqs));
    const outputs = second.log.cells.find((c) => c.msgId === cell.msgId)?.outputs;
    expect(outputs).toEqual([{ kind: "result", count: expect.any(Number), data: expect.objectContaining({ "text/plain": "84" }) }]);
    // Resuming after the last message seen gives only what came after it.
    expect(Math.min(...second.seqs)).toBeGreaterThan(Math.max(...first.seqs));
    expect(second.log.cells.some((c) => c.msgId === run.msgId)).toBe(false);
    await closeRun({ session: run.session });
  });

  it("runs an older revision's files when asked for it", async () => {
    const owner = await newUser();
    const snippet = await createSnippet({ actor: owner, title: "Versions", files: [{ path: "main.py", content: "print('first')\n" }] });
    const { updateSnippet } = await import("@/lib/snippets/update-snippet");
    await updateSnippet({
      actor: owner,
      owner: owner.username,
      slug: snippet.slug,
      base: snippet.head,
      files: [{ path: "main.py", content: "print('second')\n" }],
    });
    const run = await startRun({ actor: owner, address: null, owner: owner.username, slug: snippet.slug, rev: snippet.head });
    expect(run.rev).toBe(snippet.head);
    const { log } = await follow(run.session, run.msgId ?? "");
    expect(stdoutOf(log, run.msgId ?? "")).toBe("first\n");
    await closeRun({ session: run.session });
  });

  it("opens a session for cells only when the snippet has no clear main file, and says so", async () => {
    const owner = await newUser();
    const snippet = await createSnippet({
      actor: owner,
      title: "Two modules",
      files: [
        { path: "a.py", content: "A = 1\n" },
        { path: "b.py", content: "B = 2\n" },
      ],
    });
    const run = await startRun({ actor: owner, address: null, owner: owner.username, slug: snippet.slug });
    expect(run.msgId).toBeNull();
    expect(run.note).toMatch(/no main file/);
    const cell = await runCell({ actor: owner, address: null, session: run.session, code: "import a, b\nprint(a.A + b.B)" });
    const { log } = await follow(run.session, cell.msgId);
    expect(stdoutOf(log, cell.msgId)).toBe("3\n");
    await closeRun({ session: run.session });
  });

  it("runs code to completion with nbformat v4 outputs", async () => {
    const ok = await runToCompletion({ actor: null, address: "198.18.0.2", code: "print(1)\n2 + 3" });
    expect(ok.status).toBe("ok");
    expect(ok.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "1\n" },
      {
        output_type: "execute_result",
        execution_count: expect.any(Number),
        data: expect.objectContaining({ "text/plain": "5" }),
        metadata: expect.any(Object),
      },
    ]);

    const failed = await runToCompletion({ actor: null, address: "198.18.0.2", code: "1 / 0" });
    expect(failed.status).toBe("error");
    const error = failed.outputs.find((o) => o.output_type === "error");
    expect(error).toMatchObject({ ename: "ZeroDivisionError", evalue: "division by zero" });
  });

  it("runs code to completion in a snippet's files", async () => {
    const owner = await newUser();
    const snippet = await createSnippet({
      actor: owner,
      title: "Data",
      files: [
        { path: "data.csv", content: "x\n1\n2\n3\n" },
        { path: "main.py", content: "print(1)\n" },
      ],
    });
    const result = await runToCompletion({
      actor: owner,
      address: null,
      code: "print(sum(int(l) for l in open('data.csv').read().split()[1:]))",
      snippet: { owner: owner.username, slug: snippet.slug },
    });
    expect(result.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "6\n" }]);
    expect(result.host).toBe("local");
  });

  it("lists the one embedded host (GET /api/v1/exec/hosts), with its kernels and room and no address", async () => {
    const body = { hosts: await listExecHosts() };
    expect(body.hosts).toEqual([
      { id: "local", kernels: ["python"], capacity: 16, free: expect.any(Number), sessions: expect.any(Number), lastHeartbeat: expect.any(String) },
    ]);
    expect(JSON.stringify(body)).not.toContain("127.0.0.1");
  });
});

describe("the Run budget", () => {
  it("refuses a user's 61st run within a minute with a 429 saying when to retry", async () => {
    const actor = await newUser();
    // A well-formed session id nobody has: each try spends a point, then the service says 404 (or is absent).
    const tryOnce = () => runCell({ actor, address: null, session: "nosuchsession0000", code: "1" }).catch((e: unknown) => e);
    for (let i = 0; i < 60; i++) {
      const e = await tryOnce();
      expect(e instanceof AppError && e.code === "RATE_LIMITED", `try ${i + 1} was refused by the rate limit`).toBe(false);
    }
    const refused = await tryOnce();
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("RATE_LIMITED");
    expect((refused as AppError).details?.retryAfter).toBeGreaterThan(0);
    // Another user is not affected.
    const other = await runCell({ actor: await newUser(), address: null, session: "nosuchsession0000", code: "1" }).catch((e: unknown) => e);
    expect(other instanceof AppError && other.code === "RATE_LIMITED").toBe(false);
  });
});

/** An interact that counts its runs, so a test sees whether a refused update ran after all. */
const COUNTER = [
  "runs = 0",
  "",
  "@interact",
  "def counter(n=slider(1, 10, 1, default=3), word='hi'):",
  "    global runs",
  "    runs += 1",
  "    print(f'run {runs}: {word * n}')",
  "",
].join("\n");

/** What an interact's output area shows (its latest run's printed text). */
function shownText(x: TInteract | undefined): string {
  return (x?.outputs ?? []).flatMap((o) => (o.kind === "stream" ? [o.text] : [])).join("");
}

/** `actor` presses Run on a snippet whose main.py makes the interact `counter`: its session and the interact's id, once it has run with its defaults. */
async function startCounter(actor: TActor): Promise<{ session: string; interact: string }> {
  const snippet = await createSnippet({ actor, title: "Counter", files: [{ path: "main.py", content: COUNTER }] });
  const run = await startRun({ actor, address: null, owner: actor.username, slug: snippet.slug });
  const { log } = await follow(run.session, run.msgId ?? "");
  const [counter, ...others] = Object.values(log.interacts);
  expect(others).toEqual([]);
  expect(shownText(counter)).toBe("run 1: hihihi\n");
  return { session: run.session, interact: counter?.id ?? "" };
}

/** Sends an update as the page does (through lib/runs) and waits for it: what the interact shows afterwards. */
async function updateAndShow(actor: TActor, session: string, interact: string, values: Record<string, unknown>): Promise<string> {
  const { msgId } = await updateInteract({ actor, address: null, session, interact, values });
  const { log } = await follow(session, msgId);
  expect(log.interacts[interact]?.shown, "the update replaced the interact's output").toBe(msgId);
  return shownText(log.interacts[interact]);
}

/** A token for `actor`, to call the site's routes as an API client does. */
async function tokenFor(actor: TActor): Promise<string> {
  return (await createToken({ actor, name: uniqueName("interact") })).token;
}

/** What a client of the interact-update route gets: the status, Retry-After and the JSON answer. */
type TUpdateAnswer = { status: number; retryAfter: string | null; json: { msgId?: string; error?: { code: string; message: string } } };

/** POSTs `body` (sent as it is) to the site's interact-update route as an API client does. */
async function postUpdate(token: string, session: string, body: string): Promise<TUpdateAnswer> {
  const request = new Request(`http://cellar.test/api/v1/runs/${session}/interacts`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });
  const response = await postInteractUpdate(request, { params: Promise.resolve({ session }) });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), json: (await response.json()) as TUpdateAnswer["json"] };
}

describe.skipIf(why !== null)("interact updates", () => {
  it("refuses a malformed update with a 4xx that names the problem, runs none of them, and the interact keeps working", async () => {
    const actor = await newUser();
    const token = await tokenFor(actor);
    const { session, interact } = await startCounter(actor);

    // The route's body, as a page or an API client sends it.
    const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`c${i}`, i]));
    const refusals: [string, unknown, number, RegExp][] = [
      ["no values", { interact }, 422, /^values: values must be an object of control values by name\.$/],
      ["null values", { interact, values: null }, 422, /values must be an object/],
      ["a list of values", { interact, values: [4, "ho"] }, 422, /values must be an object/],
      ["values as text", { interact, values: "n=4" }, 422, /values must be an object/],
      ["no interact", { values: { n: 4 } }, 422, /^interact: interact must be the interact's id\.$/],
      ["a number for the interact", { interact: 1, values: { n: 4 } }, 422, /interact must be the interact's id/],
      ["a malformed interact id", { interact: "../i1", values: { n: 4 } }, 422, /an interact id is 1–64 letters/],
      ["an unknown field", { interact, values: { n: 4 }, code: "import os" }, 422, /code/],
      ["201 values", { interact, values: many }, 422, /^Interact update: at most 200 values\.$/],
      ["a 201-character control name", { interact, values: { ["n".repeat(201)]: 4 } }, 422, /^Interact update: a control's name is at most 200 characters\.$/],
      ["a body over 256 KB", { interact, values: { word: "x".repeat(300_000) } }, 413, /^The request body is larger than 256 KB\.$/],
      ["a list for a body", [interact, { n: 4 }], 422, /^The request body must be a JSON object\.$/],
    ];
    for (const [what, body, status, message] of refusals) {
      const answer = await postUpdate(token, session, JSON.stringify(body));
      expect(answer.status, what).toBe(status);
      expect(answer.json.error?.message, what).toMatch(message);
    }
    const notJson = await postUpdate(token, session, "n=4");
    expect(notJson.status).toBe(400);
    expect(notJson.json.error?.message).toBe("The request body must be JSON.");

    // lib/runs checks for itself what its other callers hand it.
    const nullValues = await appError(updateInteract({ actor, address: null, session, interact, values: null as unknown as Record<string, unknown> }));
    expect({ code: nullValues.code, status: nullValues.status }).toEqual({ code: "INVALID", status: 422 });
    expect(nullValues.message).toBe("Interact update: values must be an object of control values by name.");

    // Values of the wrong type, or text longer than an input box takes, keep the control's value: the update runs with 3 and "hi".
    expect(await updateAndShow(actor, session, interact, { n: "ten", word: "x".repeat(10_001) })).toBe("run 2: hihihi\n");
    // Run 2 above was the function's second run: none of the refused updates ran. A good one still works.
    expect(await updateAndShow(actor, session, interact, { n: 4, word: "ho" })).toBe("run 3: hohohoho\n");
    await closeRun({ session });
  });

  it("accepts an update for an interact the session does not have, which ends with InteractGone and leaves the others working", async () => {
    const actor = await newUser();
    const { session, interact } = await startCounter(actor);
    // Only the kernel knows its interacts (a re-run cell forgets the old ones), so the answer comes on the stream.
    const { msgId } = await updateInteract({ actor, address: null, session, interact: "i999", values: { n: 4 } });
    const { messages } = await follow(session, msgId);
    const errors = messages.flatMap((m) => (m.parent_header.msg_id === msgId && isMsgType(m, "error") ? [m.content.ename] : []));
    expect(errors).toEqual(["InteractGone"]);
    expect(await updateAndShow(actor, session, interact, { n: 2 })).toBe("run 2: hihi\n");
    await closeRun({ session });
  });

  it("says a run has ended, or does not exist, when the session is unknown, malformed or closed", async () => {
    const actor = await newUser();
    const token = await tokenFor(actor);
    const unknown = await postUpdate(token, "nosuchsession0000", JSON.stringify({ interact: "i1", values: { n: 4 } }));
    expect(unknown.status).toBe(404);
    expect(unknown.json.error?.message).toBe("This run has ended or does not exist. Press Run to start again.");
    const malformed = await appError(updateInteract({ actor, address: null, session: "../../health", interact: "i1", values: {} }));
    expect(malformed.status).toBe(404);

    const { session, interact } = await startCounter(actor);
    await closeRun({ session });
    const closed = await postUpdate(token, session, JSON.stringify({ interact, values: { n: 4 } }));
    // The service may still know the session as ended (409) or have forgotten it (404): either way it says so.
    expect([404, 409]).toContain(closed.status);
    expect(closed.json.error?.message).toMatch(/^This run has ended.*Press Run/);
  });

  it("refuses a user's 1,201st update within a minute with a 429 saying when to retry, and runs nothing for it", async () => {
    const actor = await newUser();
    const token = await tokenFor(actor);
    const { session, interact } = await startCounter(actor);
    const update = (s: string, values: Record<string, unknown>) => updateInteract({ actor, address: null, session: s, interact, values });

    // The budget is a one-minute window from its first point, so most of it is spent at once,
    // in memory, as the operation spends it (a slow machine could otherwise see the window end
    // before the last request): 1,190 points, then 9 updates for a session nobody has, each
    // answered 404 after it is counted.
    for (let i = 0; i < 1190; i++) await spendBudget({ actor, address: null }, "interact");
    const codes = new Set<string>();
    for (let i = 0; i < 9; i++) codes.add((await appError(update("nosuchsession0000", { n: 4 }))).code);
    expect([...codes]).toEqual(["NOT_FOUND"]);
    // Bad input is refused before the budget is spent.
    for (let i = 0; i < 5; i++) expect((await appError(update(session, [] as unknown as Record<string, unknown>))).code).toBe("INVALID");
    // So the 1,200th still runs.
    expect(await updateAndShow(actor, session, interact, { n: 2 })).toBe("run 2: hihi\n");

    const refused = await postUpdate(token, session, JSON.stringify({ interact, values: { n: 5 } }));
    expect(refused.status).toBe(429);
    expect(refused.json.error?.message).toMatch(/^Too many attempts\. Try again in \d+ seconds?\.$/);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect((await appError(update(session, { n: 6 }))).code).toBe("RATE_LIMITED");

    // Another user's budget is untouched, and the function's count shows the refused updates never ran.
    expect(await updateAndShow(await newUser(), session, interact, { n: 1 })).toBe("run 3: hi\n");
    await closeRun({ session });
  });
});
