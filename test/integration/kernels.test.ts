/**
 * Which kernel a snippet runs in (issue 10): derived from the main file (`.sage` → sage, else
 * python) unless the owner chose one on create or edit; shown by the API; kept by forks; the
 * language filter lists Python-family code under the kernel it runs in. Run requests take a
 * `kernel` (default the snippet's): unknown names are refused before anything runs, and a kernel
 * the execution service lacks (the test service offers only python) is a 422 naming the kernels
 * it has, runs nothing and costs no Run budget.
 */
import { describe, expect, it } from "vitest";
import { POST as postExec } from "@/app/api/v1/exec/route";
import { POST as postRun } from "@/app/api/v1/runs/route";
import { GET as getSnippetRoute, PATCH as patchSnippetRoute } from "@/app/api/v1/snippets/[owner]/[slug]/route";
import { GET as listSnippetsRoute, POST as createSnippetRoute } from "@/app/api/v1/snippets/route";
import { getDb } from "@/lib/db/client";
import { runToCompletion } from "@/lib/runs/run-code";
import { startRun } from "@/lib/runs/start-run";
import { closeRun } from "@/lib/runs/close-run";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { forkSnippet } from "@/lib/snippets/fork-snippet";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { listSnippets } from "@/lib/snippets/list-snippets";
import type { TActor } from "@/lib/snippets/schema";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import { listLanguages } from "@/lib/tags/list-languages";
import { createToken } from "@/lib/tokens/create-token";
import { createUser } from "@/lib/users/create-user";
import { appError } from "@/test/support/app-error";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";
import { useExecService } from "@/test/support/exec-service";

closeDbAfterAll();

const why = useExecService("kernels.test.ts");

async function newUser(): Promise<{ actor: TActor; token: string }> {
  const u = await createUser({ username: uniqueName("kernel"), password: "correct horse battery" });
  const actor = { id: u.id, username: u.username };
  return { actor, token: (await createToken({ actor, name: uniqueName("kernel") })).token };
}

type TJson = Record<string, unknown> & { error?: { code: string; message: string; kernels?: string[] } };

/** Calls a route as an API client does, with `token`; the status and the JSON answer. */
async function call(
  handler: (request: Request, ctx: { params: Promise<never> }) => Promise<Response>,
  o: { method: string; path: string; token?: string; body?: unknown; params?: Record<string, string> },
): Promise<{ status: number; json: TJson }> {
  const request = new Request(`http://cellar.test${o.path}`, {
    method: o.method,
    headers: { "content-type": "application/json", ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const response = await handler(request, { params: Promise.resolve(o.params ?? {}) as Promise<never> });
  return { status: response.status, json: response.status === 204 ? {} : ((await response.json()) as TJson) };
}

/** A token of a reader, for reads (a request without one would look for a browser session). */
let readerToken: Promise<string> | undefined;
const reader = () => (readerToken ??= newUser().then((u) => u.token));

const getJson = async (owner: string, slug: string) =>
  (await call(getSnippetRoute as never, { method: "GET", path: `/api/v1/snippets/${owner}/${slug}`, token: await reader(), params: { owner, slug } })).json;

const patch = (token: string, owner: string, slug: string, body: unknown) =>
  call(patchSnippetRoute as never, { method: "PATCH", path: `/api/v1/snippets/${owner}/${slug}`, token, body, params: { owner, slug } });

const NO_SAGE = "This server runs Python (python) only; it has no SageMath (sage) kernel.";

describe("a snippet's kernel", () => {
  it("follows the main file: .sage runs in SageMath, .py in Python, as GET and the language say", async () => {
    const { actor, token } = await newUser();
    const created = await call(createSnippetRoute as never, {
      method: "POST",
      path: "/api/v1/snippets",
      token,
      body: {
        title: "Groups",
        files: [
          { path: "main.sage", content: "G = SymmetricGroup(4)\nprint(G.order())\n" },
          { path: "notes.md", content: "S4" },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(await getJson(actor.username, created.json.slug as string)).toMatchObject({ kernel: "sage", kernelChoice: "auto", language: "sage" });

    const py = await createSnippet({ actor, title: "Plain", files: [{ path: "main.py", content: "print(1)\n" }] });
    expect(await getJson(actor.username, py.slug)).toMatchObject({ kernel: "python", kernelChoice: "auto", language: "python" });

    // Renaming the main file to .sage moves it to SageMath on the next revision.
    await updateSnippet({ actor, owner: actor.username, slug: py.slug, base: py.head, files: [{ path: "main.sage", content: "print(2^10)\n" }] });
    expect(await getJson(actor.username, py.slug)).toMatchObject({ kernel: "sage", kernelChoice: "auto", language: "sage" });
  });

  it("keeps the owner's choice through edits until they set it back to automatic", async () => {
    const { actor, token } = await newUser();
    const created = await call(createSnippetRoute as never, {
      method: "POST",
      path: "/api/v1/snippets",
      token,
      body: { title: "Sage in a .py", kernel: "sage", files: [{ path: "main.py", content: "print(factor(2^32 + 1))\n" }] },
    });
    expect(created.status).toBe(201);
    const slug = created.json.slug as string;
    expect(await getJson(actor.username, slug)).toMatchObject({ kernel: "sage", kernelChoice: "sage", language: "sage" });

    // A new revision (and a metadata edit that says nothing of the kernel) keep the choice.
    const edited = await patch(token, actor.username, slug, {
      base: created.json.head,
      files: [
        { path: "main.py", content: "print(factor(2^64 + 1))\n" },
        { path: "more.py", content: "" },
      ],
      message: "Bigger",
    });
    expect(edited.json).toMatchObject({ changed: true });
    await patch(token, actor.username, slug, { title: "Sage in a .py file" });
    expect(await getJson(actor.username, slug)).toMatchObject({ title: "Sage in a .py file", kernel: "sage", kernelChoice: "sage", language: "sage" });

    // Back to automatic: the .py main file runs in Python again, and is listed as Python.
    expect((await patch(token, actor.username, slug, { kernel: "auto" })).status).toBe(200);
    expect(await getJson(actor.username, slug)).toMatchObject({ kernel: "python", kernelChoice: "auto", language: "python" });

    // The other way round: a .sage file the owner runs in Python (null also means automatic).
    const sage = await createSnippet({ actor, title: "Preparsed by hand", kernel: "python", files: [{ path: "main.sage", content: "print(6 * 7)\n" }] });
    expect(await getJson(actor.username, sage.slug)).toMatchObject({ kernel: "python", kernelChoice: "python", language: "python" });
    await patch(token, actor.username, sage.slug, { kernel: null });
    expect(await getJson(actor.username, sage.slug)).toMatchObject({ kernel: "sage", kernelChoice: "auto", language: "sage" });
  });

  it("passes the choice to forks", async () => {
    const { actor } = await newUser();
    const source = await createSnippet({ actor, title: "Source", kernel: "sage", files: [{ path: "main.py", content: "print(1)\n" }] });
    const forker = await newUser();
    const fork = await forkSnippet({ actor: forker.actor, owner: actor.username, slug: source.slug });
    expect(await getJson(forker.actor.username, fork.slug)).toMatchObject({ kernel: "sage", kernelChoice: "sage", language: "sage" });
    // The fork's owner changes theirs; the source keeps its own.
    await updateSnippet({ actor: forker.actor, owner: fork.owner, slug: fork.slug, kernel: "auto" });
    expect(await getJson(forker.actor.username, fork.slug)).toMatchObject({ kernel: "python", kernelChoice: "auto" });
    expect(await getJson(actor.username, source.slug)).toMatchObject({ kernel: "sage", kernelChoice: "sage" });
  });

  it("refuses an unknown kernel on create and edit with a 422 naming the field and the allowed values, writing nothing", async () => {
    const { actor, token } = await newUser();
    const allowed = 'kernel: kernel must be "auto", "python" or "sage" (null means "auto").';
    const title = uniqueName("refused");
    const refused = await call(createSnippetRoute as never, {
      method: "POST",
      path: "/api/v1/snippets",
      token,
      body: { title, kernel: "julia", files: [{ path: "main.jl", content: "1" }] },
    });
    expect([refused.status, refused.json.error]).toEqual([422, { code: "INVALID", message: allowed }]);
    expect(await getDb().snippet.count({ where: { ownerId: actor.id } })).toBe(0);
    // The library refuses it too (the edit form goes through it).
    expect(await appError(createSnippet({ actor, title, kernel: "Sage", files: [{ path: "a.py", content: "" }] }))).toMatchObject({
      code: "INVALID",
      message: 'kernel must be "auto", "python" or "sage" (null means "auto").',
    });

    const s = await createSnippet({ actor, title: "Kept", kernel: "sage", files: [{ path: "main.py", content: "print(1)\n" }] });
    for (const kernel of ["julia", "", 3, "SAGE"]) {
      const answer = await patch(token, actor.username, s.slug, { kernel, title: "Changed" });
      expect([answer.status, answer.json.error], JSON.stringify(kernel)).toEqual([422, { code: "INVALID", message: allowed }]);
    }
    expect(await getJson(actor.username, s.slug)).toMatchObject({ title: "Kept", kernel: "sage", kernelChoice: "sage" });
  });

  it("lists Sage snippets under the language SageMath's filter value, a .py set to sage among them", async () => {
    const { actor } = await newUser();
    const countOf = async (language: string) => (await listLanguages()).find((l) => l.language === language)?.count ?? 0;
    const [sageBefore, pythonBefore] = [await countOf("sage"), await countOf("python")];
    const dotSage = await createSnippet({ actor, title: "Dot sage", files: [{ path: "main.sage", content: "print(1)\n" }] });
    const chosen = await createSnippet({ actor, title: "Chosen", kernel: "sage", files: [{ path: "main.py", content: "print(1)\n" }] });
    const plain = await createSnippet({ actor, title: "Plain", files: [{ path: "main.py", content: "print(1)\n" }] });
    expect([await countOf("sage"), await countOf("python")]).toEqual([sageBefore + 2, pythonBefore + 1]);

    const sageOnes = await listSnippets({ owner: actor.username, language: "sage" });
    expect(sageOnes.items.map((s) => s.slug).sort()).toEqual([chosen.slug, dotSage.slug].sort());
    const listed = await call(listSnippetsRoute as never, {
      method: "GET",
      path: `/api/v1/snippets?owner=${actor.username}&language=python`,
      token: await reader(),
    });
    expect((listed.json.items as { slug: string; kernel: string }[]).map((s) => [s.slug, s.kernel])).toEqual([[plain.slug, "python"]]);
  });
});

describe("run requests naming a kernel", () => {
  it("refuses a kernel name Cellar does not know with a 422 listing the kernels, before anything runs", async () => {
    const { actor, token } = await newUser();
    const s = await createSnippet({ actor, title: "Any", files: [{ path: "main.py", content: "print(1)\n" }] });
    const message = 'kernel: kernel must be "python" or "sage".';
    const exec = await call(postExec as never, { method: "POST", path: "/api/v1/exec", token, body: { code: "print(1)", kernel: "julia" } });
    expect([exec.status, exec.json.error]).toEqual([422, { code: "INVALID", message }]);
    const run = await call(postRun as never, { method: "POST", path: "/api/v1/runs", token, body: { owner: actor.username, slug: s.slug, kernel: "julia" } });
    expect([run.status, run.json.error]).toEqual([422, { code: "INVALID", message }]);
  });
});

describe.skipIf(why !== null)("runs on a server without Sage", () => {
  it("answers a Sage snippet's Run with a 422 saying this server has no Sage, runs nothing and spends no Run budget", async () => {
    const { actor } = await newUser();
    const s = await createSnippet({ actor, title: "Sage only", files: [{ path: "main.sage", content: "print(6 * 7)\n" }] });
    const reader = await newUser();
    const runCount = async () => (await getSnippet({ owner: actor.username, slug: s.slug })).snippet.runCount;

    // The snippet's own kernel, by default; more times than the Run budget allows in a minute.
    for (let i = 0; i < 62; i++) {
      const e = await appError(startRun({ actor: reader.actor, address: null, owner: actor.username, slug: s.slug }));
      expect([e.code, e.status, e.message, e.details], `try ${i + 1}`).toEqual(["INVALID", 422, NO_SAGE, { kernels: ["python"] }]);
    }
    // As the page and API clients see it.
    const answer = await call(postRun as never, { method: "POST", path: "/api/v1/runs", token: reader.token, body: { owner: actor.username, slug: s.slug } });
    expect([answer.status, answer.json.error]).toEqual([422, { code: "INVALID", message: NO_SAGE, kernels: ["python"] }]);
    const viaExec = await call(postExec as never, {
      method: "POST",
      path: "/api/v1/exec",
      token: reader.token,
      body: { code: "1 + 1", snippet: { owner: actor.username, slug: s.slug } },
    });
    expect([viaExec.status, viaExec.json.error]).toEqual([422, { code: "INVALID", message: NO_SAGE, kernels: ["python"] }]);
    const asked = await call(postExec as never, { method: "POST", path: "/api/v1/exec", token: reader.token, body: { code: "1 + 1", kernel: "sage" } });
    expect([asked.status, asked.json.error?.message]).toEqual([422, NO_SAGE]);
    expect(await runCount()).toBe(0);

    // The budget is intact, and asking for Python runs the same snippet (its main file as Python),
    // which counts as the reader's run.
    const run = await startRun({ actor: reader.actor, address: null, owner: actor.username, slug: s.slug, kernel: "python" });
    expect(run).toMatchObject({ kernel: "python", mainFile: "main.sage" });
    await closeRun({ session: run.session });
    await expect.poll(runCount).toBe(1);
    const result = await runToCompletion({
      actor: reader.actor,
      address: null,
      code: "print(6 * 7)",
      snippet: { owner: actor.username, slug: s.slug },
      kernel: "python",
    });
    expect(result.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "42\n" }]);
  });

  it("runs a .py snippet in Python by default, and refuses one its owner set to SageMath", async () => {
    const { actor } = await newUser();
    const py = await createSnippet({ actor, title: "Python", files: [{ path: "main.py", content: "print('py')\n" }] });
    const run = await startRun({ actor, address: null, owner: actor.username, slug: py.slug });
    expect(run.kernel).toBe("python");
    await closeRun({ session: run.session });
    await updateSnippet({ actor, owner: actor.username, slug: py.slug, kernel: "sage" });
    expect((await appError(startRun({ actor, address: null, owner: actor.username, slug: py.slug }))).message).toBe(NO_SAGE);
  });
});
