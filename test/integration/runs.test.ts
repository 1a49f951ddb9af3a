/**
 * Run against the real execution service (bubblewrap, Python, cgroups): lib/runs opens sessions
 * from snippets' files at a revision, streams their messages (and resumes), runs cells in the
 * same namespace, and runs code to completion with nbformat outputs. The rate limit is tested
 * without the service: it is spent before the service is asked.
 */
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { runToCompletion } from "@/lib/runs/run-code";
import { runCell } from "@/lib/runs/run-cell";
import { runEvents } from "@/lib/runs/run-events";
import { EMPTY_LOG, ZRunMessage, applyMessage, isFinished, type TRunLog } from "@/lib/runs/run-log";
import { execClient } from "@/lib/runs/service";
import { startRun } from "@/lib/runs/start-run";
import { closeRun } from "@/lib/runs/close-run";
import { createSnippet } from "@/lib/snippets/create-snippet";
import type { TActor } from "@/lib/snippets/schema";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";
import { useExecService } from "@/test/support/exec-service";

closeDbAfterAll();

const why = useExecService("runs.test.ts");

async function newUser(): Promise<TActor> {
  const u = await createUser({ username: uniqueName("run"), password: "correct horse battery" });
  return { id: u.id, username: u.username };
}

/**
 * Reads a session's Server-Sent Events (as the browser gets them) into a run log until the
 * cell `msgId` has finished; returns the log and every event's seq.
 */
async function follow(session: string, msgId: string, after?: number): Promise<{ log: TRunLog; seqs: number[] }> {
  const abort = new AbortController();
  const stream = await runEvents({ session, after, signal: abort.signal, client: execClient() });
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let log = EMPTY_LOG;
  const seqs: number[] = [];
  let buffer = "";
  const deadline = setTimeout(() => abort.abort(), 30_000);
  try {
    for (;;) {
      const { done, value: bytes } = await reader.read();
      if (done) break;
      const value = decoder.decode(bytes, { stream: true });
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (\d+)$/m.exec(event)?.[1];
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (id === undefined || data === undefined) continue;
        seqs.push(Number(id));
        log = applyMessage(log, Number(id), ZRunMessage.parse(JSON.parse(data)), Date.now());
      }
      const cell = log.cells.find((c) => c.msgId === msgId);
      if (cell && isFinished(cell) && /"execution_state":"idle"/.test(value)) break;
    }
  } finally {
    clearTimeout(deadline);
    abort.abort();
    await reader.cancel().catch(() => undefined);
  }
  return { log, seqs };
}

function stdoutOf(log: TRunLog, msgId: string): string {
  const cell = log.cells.find((c) => c.msgId === msgId);
  return (cell?.outputs ?? []).flatMap((o) => (o.kind === "stream" && o.name === "stdout" ? [o.text] : [])).join("");
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
    const run = await startRun({ actor: null, address: "198.18.0.1", owner: owner.username, slug: snippet.slug, client: execClient() });
    expect(run.mainFile).toBe("main.py");
    expect(run.msgId).toBeTruthy();
    const first = await follow(run.session, run.msgId ?? "");
    expect(stdoutOf(first.log, run.msgId ?? "")).toBe("helper says 42\n");

    const cell = await runCell({ actor: null, address: "198.18.0.1", session: run.session, code: "VALUE * 2", client: execClient() });
    const second = await follow(run.session, cell.msgId, Math.max(...first.seqs));
    const outputs = second.log.cells.find((c) => c.msgId === cell.msgId)?.outputs;
    expect(outputs).toEqual([{ kind: "result", count: expect.any(Number), data: expect.objectContaining({ "text/plain": "84" }) }]);
    // Resuming after the last message seen gives only what came after it.
    expect(Math.min(...second.seqs)).toBeGreaterThan(Math.max(...first.seqs));
    expect(second.log.cells.some((c) => c.msgId === run.msgId)).toBe(false);
    await closeRun({ session: run.session, client: execClient() });
  });

  it("runs an older revision's files when asked for it", async () => {
    const owner = await newUser();
    const snippet = await createSnippet({ actor: owner, title: "Versions", files: [{ path: "main.py", content: "print('first')\n" }] });
    const { updateSnippet } = await import("@/lib/snippets/update-snippet");
    await updateSnippet({ actor: owner, owner: owner.username, slug: snippet.slug, base: snippet.head, files: [{ path: "main.py", content: "print('second')\n" }] });
    const run = await startRun({ actor: owner, address: null, owner: owner.username, slug: snippet.slug, rev: snippet.head, client: execClient() });
    expect(run.rev).toBe(snippet.head);
    const { log } = await follow(run.session, run.msgId ?? "");
    expect(stdoutOf(log, run.msgId ?? "")).toBe("first\n");
    await closeRun({ session: run.session, client: execClient() });
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
    const run = await startRun({ actor: owner, address: null, owner: owner.username, slug: snippet.slug, client: execClient() });
    expect(run.msgId).toBeNull();
    expect(run.note).toMatch(/no main file/);
    const cell = await runCell({ actor: owner, address: null, session: run.session, code: "import a, b\nprint(a.A + b.B)", client: execClient() });
    const { log } = await follow(run.session, cell.msgId);
    expect(stdoutOf(log, cell.msgId)).toBe("3\n");
    await closeRun({ session: run.session, client: execClient() });
  });

  it("runs code to completion with nbformat v4 outputs", async () => {
    const ok = await runToCompletion({ actor: null, address: "198.18.0.2", code: "print(1)\n2 + 3", client: execClient() });
    expect(ok.status).toBe("ok");
    expect(ok.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "1\n" },
      { output_type: "execute_result", execution_count: expect.any(Number), data: expect.objectContaining({ "text/plain": "5" }), metadata: expect.any(Object) },
    ]);

    const failed = await runToCompletion({ actor: null, address: "198.18.0.2", code: "1 / 0", client: execClient() });
    expect(failed.status).toBe("error");
    const error = failed.outputs.find((o) => o.output_type === "error");
    expect(error).toMatchObject({ ename: "ZeroDivisionError", evalue: "division by zero" });
  });

  it("runs code to completion in a snippet's files", async () => {
    const owner = await newUser();
    const snippet = await createSnippet({ actor: owner, title: "Data", files: [{ path: "data.csv", content: "x\n1\n2\n3\n" }, { path: "main.py", content: "print(1)\n" }] });
    const result = await runToCompletion({
      actor: owner,
      address: null,
      code: "print(sum(int(l) for l in open('data.csv').read().split()[1:]))",
      snippet: { owner: owner.username, slug: snippet.slug },
      client: execClient(),
    });
    expect(result.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "6\n" }]);
  });
});

describe("the Run budget", () => {
  it("refuses a user's 61st run within a minute with a 429 saying when to retry", async () => {
    const actor = await newUser();
    // A well-formed session id nobody has: each try spends a point, then the service says 404 (or is absent).
    const tryOnce = () => runCell({ actor, address: null, session: "nosuchsession0000", code: "1", client: execClient() }).catch((e: unknown) => e);
    for (let i = 0; i < 60; i++) {
      const e = await tryOnce();
      expect(e instanceof AppError && e.code === "RATE_LIMITED", `try ${i + 1} was refused by the rate limit`).toBe(false);
    }
    const refused = await tryOnce();
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("RATE_LIMITED");
    expect((refused as AppError).details?.retryAfter).toBeGreaterThan(0);
    // Another user is not affected.
    const other = await runCell({ actor: await newUser(), address: null, session: "nosuchsession0000", code: "1", client: execClient() }).catch((e: unknown) => e);
    expect(other instanceof AppError && other.code === "RATE_LIMITED").toBe(false);
  });
});
