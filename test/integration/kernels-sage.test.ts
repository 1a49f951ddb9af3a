/**
 * Runs in the sage kernel through the site (issue 10), against a real execution service that
 * has SageMath: a `.sage` snippet's Run and `POST /api/v1/exec` run Sage by default, `kernel`
 * picks either kernel for a snippet or for code alone, and a cell after a Sage run is Sage.
 */
import { describe, expect, it } from "vitest";
import { POST as postExec } from "@/app/api/v1/exec/route";
import { isMsgType } from "@/lib/exec/protocol";
import { closeRun } from "@/lib/runs/close-run";
import { runCell } from "@/lib/runs/run-cell";
import { execClient } from "@/lib/exec/client";
import { startRun } from "@/lib/runs/start-run";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { createToken } from "@/lib/tokens/create-token";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";
import { useExecService } from "@/test/support/exec-service";

closeDbAfterAll();

const why = useExecService("kernels-sage.test.ts", { sage: true });

async function newUser() {
  const u = await createUser({ username: uniqueName("sage"), password: "correct horse battery" });
  const actor = { id: u.id, username: u.username };
  return { actor, token: (await createToken({ actor, name: uniqueName("sage") })).token };
}

/** `POST /api/v1/exec` as an API client sends it; the status and the JSON answer. */
async function exec(
  token: string,
  body: unknown,
): Promise<{ status: number; json: { status?: string; outputs?: { output_type: string; text?: string; data?: Record<string, string> }[] } }> {
  const request = new Request("http://cellar.test/api/v1/exec", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const response = await (postExec as unknown as (r: Request, c: { params: Promise<object> }) => Promise<Response>)(request, { params: Promise.resolve({}) });
  return { status: response.status, json: (await response.json()) as never };
}

const stdout = (outputs: { output_type: string; text?: string }[] = []) =>
  outputs
    .filter((o) => o.output_type === "stream")
    .map((o) => o.text)
    .join("");

describe.skipIf(why !== null)("runs on a server with Sage", () => {
  it("runs a .sage snippet and POST /api/v1/exec in Sage by default, and either kernel when asked", async () => {
    const { actor, token } = await newUser();
    const s = await createSnippet({ actor, title: "Powers", files: [{ path: "main.sage", content: "n = 2^10\nprint(n, 1/3 + 1/6)\n" }] });
    const snippet = { owner: actor.username, slug: s.slug };

    // The snippet's own kernel, Sage, in its files (the first Sage session of the service: its
    // zygote may still be starting); the file is there to load.
    const inSage = await exec(token, { code: "load('main.sage')\nprint(n + 1)", snippet });
    expect([inSage.status, inSage.json.status, stdout(inSage.json.outputs)]).toEqual([200, "ok", "1024 1/2\n1025\n"]);
    // Code alone runs in Python unless it asks for Sage.
    const alone = await exec(token, { code: "2^10" });
    expect(alone.json.outputs?.at(-1)?.data?.["text/plain"]).toBe("8");
    const asked = await exec(token, { code: "2^10", kernel: "sage" });
    expect(asked.json.outputs?.at(-1)?.data?.["text/plain"]).toBe("1024");
    // The same snippet in Python: its main file is not preparsed.
    const inPython = await exec(token, { code: "print(2^10)", snippet, kernel: "python" });
    expect(stdout(inPython.json.outputs)).toBe("8\n");
  }, 120_000);

  it("runs a cell typed after a Sage snippet's Run in Sage, with the file's names", async () => {
    const { actor } = await newUser();
    const s = await createSnippet({ actor, title: "Ring", files: [{ path: "main.sage", content: "R.<t> = GF(7)[]\nprint('ready')\n" }] });
    const run = await startRun({ actor, address: null, owner: actor.username, slug: s.slug });
    expect(run).toMatchObject({ kernel: "sage", mainFile: "main.sage" });
    const cell = await runCell({ actor, address: null, session: run.session, code: "(t^7 - t).factor()" });
    const messages = [];
    for await (const e of execClient().events({ session: run.session })) {
      messages.push(e.message);
      if (e.message.parent_header.msg_id === cell.msgId && isMsgType(e.message, "status") && e.message.content.execution_state === "idle") break;
    }
    const result = messages.flatMap((m) => (isMsgType(m, "execute_result") && m.parent_header.msg_id === cell.msgId ? [m.content] : []))[0];
    expect(result?.data["text/plain"]).toBe("t * (t + 1) * (t + 2) * (t + 3) * (t + 4) * (t + 5) * (t + 6)");
    await closeRun({ session: run.session });
  }, 120_000);
});
