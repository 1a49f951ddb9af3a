/**
 * Completion and help on the site's Run API (POST /api/v1/runs/:session/complete and /inspect)
 * with the real execution service: matches from the session's namespace with the editor's UTF-16
 * positions, help text, and bad requests refused with a 4xx that says why.
 */
import { describe, expect, it } from "vitest";
import { POST as postComplete } from "@/app/api/v1/runs/[session]/complete/route";
import { POST as postInspect } from "@/app/api/v1/runs/[session]/inspect/route";
import { POST as postRuns } from "@/app/api/v1/runs/route";
import { closeRun } from "@/lib/runs/close-run";
import { closeDbAfterAll } from "@/test/support/db";
import { useExecService } from "@/test/support/exec-service";
import { follow } from "@/test/support/follow-run";

closeDbAfterAll();

const why = useExecService("completion.test.ts");

type TAnswer = { status: number; json: Record<string, unknown> & { error?: { code: string; message: string } } };

async function post(handler: typeof postComplete, path: string, session: string, body: unknown): Promise<TAnswer> {
  const request = new Request(`http://cellar.test/api/v1/runs/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "sec-fetch-site": "cross-site", "x-cellar-peer": "198.18.7.2" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const response = await handler(request, { params: Promise.resolve({ session }) });
  return { status: response.status, json: (await response.json()) as never };
}

const complete = (session: string, body: unknown) => post(postComplete, `${session}/complete`, session, body);
const inspect = (session: string, body: unknown) => post(postInspect, `${session}/inspect`, session, body);

describe.skipIf(why !== null)("completion and help on the Run API", () => {
  it("completes from the session with the editor's positions and shows help", async () => {
    const started = await postRuns(
      new Request("http://cellar.test/api/v1/runs", {
        method: "POST",
        headers: { "content-type": "application/json", "sec-fetch-site": "cross-site", "x-cellar-peer": "198.18.7.2" },
        body: JSON.stringify({ code: "import math\nsmile_total = 3", kernel: "python" }),
      }),
      { params: Promise.resolve({}) },
    );
    const { session, msgId } = (await started.json()) as { session: string; msgId: string };
    await follow(session, msgId);

    const code = "s = '😀'; math.fa";
    const answer = await complete(session, { code, cursor: code.length });
    expect(answer.status).toBe(200);
    // UTF-16 positions, as the editor counts: "fa" starts 2 units before the end.
    expect(answer.json).toEqual({ matches: ["fabs", "factorial"], cursorStart: code.length - 2, cursorEnd: code.length, busy: false });
    expect((await complete(session, { code: "smile_t", cursor: 7 })).json.matches).toEqual(["smile_total"]);

    const help = await inspect(session, { code: "math.factorial(", cursor: 15 });
    expect(help.status).toBe(200);
    expect(help.json.found).toBe(true);
    expect(help.json.text).toContain("Signature: math.factorial(n, /)");
    expect((await inspect(session, { code: "def f():\n    return 1", cursor: 21, detail: 1 })).json.found).toBe(false);

    // Bad input: a 4xx naming the problem, never a 500.
    const past = await complete(session, { code: "ab", cursor: 3 });
    expect(past.status).toBe(422);
    expect(past.json.error?.message).toBe("cursor must be a position in the code (0 to 2).");
    const noCursor = await complete(session, { code: "ab" });
    expect(noCursor.status).toBe(422);
    expect(noCursor.json.error?.message).toMatch(/cursor/);
    const detail = await inspect(session, { code: "ab", cursor: 1, detail: 2 });
    expect(detail.status).toBe(422);
    expect(detail.json.error?.message).toMatch(/detail must be 0/);
    const huge = await complete(session, { code: "x".repeat(100_001), cursor: 0 });
    expect(huge.status).toBe(413);
    expect((await complete(session, "{not json")).status).toBe(400);

    await closeRun({ session });
    const ended = await complete(session, { code: "ab", cursor: 1 });
    expect([404, 409]).toContain(ended.status);
    expect((await complete("not a session id!", { code: "ab", cursor: 1 })).status).toBe(404);
  });
});
