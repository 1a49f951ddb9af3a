/**
 * The /cell page's Run (POST /api/v1/runs with `code`) on the real execution service: the code
 * runs as the first cell of a session with no files, its last expression's value is shown, more
 * cells run in the same namespace, and bad requests are refused before anything runs.
 */
import { describe, expect, it } from "vitest";
import { POST as postRuns } from "@/app/api/v1/runs/route";
import { closeRun } from "@/lib/runs/close-run";
import { runCell } from "@/lib/runs/run-cell";
import { closeDbAfterAll } from "@/test/support/db";
import { useExecService } from "@/test/support/exec-service";
import { follow, stdoutOf } from "@/test/support/follow-run";

closeDbAfterAll();

const why = useExecService("cell-runs.test.ts");

/** A visitor's start request (a browser on another site counts as signed out; no cookie to read here). */
async function start(body: unknown): Promise<{ status: number; json: Record<string, unknown> & { error?: { code: string; message: string } } }> {
  const request = new Request("http://cellar.test/api/v1/runs", {
    method: "POST",
    headers: { "content-type": "application/json", "sec-fetch-site": "cross-site", "x-cellar-peer": "198.18.7.1" },
    body: JSON.stringify(body),
  });
  const response = await postRuns(request, { params: Promise.resolve({}) });
  return { status: response.status, json: (await response.json()) as never };
}

describe.skipIf(why !== null)("running code from the /cell page", () => {
  it("runs the code as a session's first cell, shows its value, and keeps its namespace for more cells", async () => {
    const started = await start({ code: "import os\nprint('files:', os.listdir('.'))\nanswer = 6 * 7\nanswer", kernel: "python" });
    expect(started.status).toBe(201);
    const { session, msgId } = started.json as { session: string; msgId: string };
    expect(started.json).toMatchObject({ kernel: "python", mainFile: null, rev: null, note: null, events: `/api/v1/runs/${session}/events` });
    const first = await follow(session, msgId);
    expect(stdoutOf(first.log, msgId)).toBe("files: []\n");
    const outputs = first.log.cells.find((c) => c.msgId === msgId)?.outputs ?? [];
    expect(outputs.at(-1)).toEqual({ kind: "result", count: expect.any(Number), data: expect.objectContaining({ "text/plain": "42" }) });

    const cell = await runCell({ actor: null, address: "198.18.7.1", session, code: "print(answer + 1)" });
    const second = await follow(session, cell.msgId, Math.max(...first.seqs));
    expect(stdoutOf(second.log, cell.msgId)).toBe("43\n");
    await closeRun({ session });
  });

  it("refuses a kernel the server lacks, an unknown one, and code with a snippet, before anything runs", async () => {
    const sage = await start({ code: "1+1", kernel: "sage" });
    expect(sage.status).toBe(422);
    expect(sage.json.error?.message).toMatch(/SageMath/);
    const julia = await start({ code: "1+1", kernel: "julia" });
    expect(julia.status).toBe(422);
    expect(julia.json.error?.message).toBe('kernel: kernel must be "python" or "sage".');
    const both = await start({ code: "1+1", owner: "alice", slug: "x" });
    expect(both.status).toBe(422);
    expect(both.json.error?.message).toMatch(/either code or a snippet/);
    const neither = await start({ kernel: "python" });
    expect(neither.status).toBe(422);
    expect(neither.json.error?.message).toBe("owner: owner is required.");
  });
});
