/**
 * Jupyter notebooks in and out, against a real database, real repositories and Jupyter's own
 * validator (Debian's python3-nbformat): what Jupyter would say about the notebooks we write,
 * and what a user gets from importing one.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GET as getNotebookRoute } from "@/app/[owner]/[slug]/notebook/[file]/route";
import { POST as createSnippetRoute } from "@/app/api/v1/snippets/route";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { readSnippetFiles } from "@/lib/snippets/read-snippet-files";
import { createToken } from "@/lib/tokens/create-token";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import type { TActor } from "@/lib/snippets/schema";
import { createUser } from "@/lib/users/create-user";
import { nbformatProblem } from "@/test/support/nbformat";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

async function newUser(prefix = "nb"): Promise<TActor> {
  const user = await createUser({ username: uniqueName(prefix), password: "correct horse battery" });
  return { id: user.id, username: user.username };
}

/** The notebook as Jupyter reads it (nbformat.reads): [nbformat, minor, kernelspec name, [cell type, source]...]. */
function readWithJupyter(text: string): { minor: number; kernel: string; language: string; cells: { type: string; source: string; id: string }[] } {
  const script = [
    "import json, nbformat, sys",
    "nb = nbformat.reads(sys.stdin.read(), 4)",
    "print(json.dumps({'minor': nb.nbformat_minor, 'kernel': nb.metadata.kernelspec.name, 'language': nb.metadata.language_info.name,",
    "  'cells': [{'type': c.cell_type, 'source': c.source, 'id': c.id} for c in nb.cells]}))",
  ].join("\n");
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script], { input: text, encoding: "utf8" })) as ReturnType<typeof readWithJupyter>;
}

async function download(owner: string, slug: string, file: string): Promise<Response> {
  return getNotebookRoute(new Request(`http://localhost/${owner}/${slug}/notebook/${file}`), { params: Promise.resolve({ owner, slug, file }) });
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0x00, 0x10]);

describe("GET /:owner/:slug/notebook/:rev.ipynb", () => {
  it("is a valid nbformat 4.5 notebook: header, the other files, then the main file, with a python3 kernelspec", async () => {
    const alice = await newUser("alice");
    const created = await createSnippet({
      actor: alice,
      title: "Newton's method",
      description: "Finds *roots* of a function.",
      license: "MIT",
      files: [
        { path: "main.py", content: "from lib.newton import solve\nprint(solve())\n" },
        { path: "lib/newton.py", content: "def solve():\n    return 1.4142\n" },
        { path: "img/plot.png", content: PNG },
        { path: "data.bin", content: new Uint8Array([0, 1, 2, 3]) },
      ],
    });
    const res = await download(alice.username, created.slug, "main.ipynb");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-ipynb+json");
    expect(res.headers.get("content-disposition")).toContain(`attachment; filename="${alice.username}-${created.slug}-${created.head.slice(0, 7)}.ipynb"`);
    const text = await res.text();
    expect(nbformatProblem(text)).toBeNull();
    const nb = readWithJupyter(text);
    expect(nb.minor).toBe(5);
    expect(nb.kernel).toBe("python3");
    expect(nb.language).toBe("python");
    expect(nb.cells.map((c) => c.type)).toEqual(["markdown", "markdown", "code", "code", "code"]);
    const [header, images, folders, helper, main] = nb.cells;
    expect(header?.source).toContain("# Newton's method");
    expect(header?.source).toContain("Finds *roots* of a function.");
    expect(header?.source).toContain(`By ${alice.username.replace(/[-.]/g, "\\$&")}.`);
    expect(header?.source).toContain("[MIT](");
    expect(header?.source).toContain("data.bin");
    expect(images?.source).toContain("attachment:");
    expect(folders?.source).toContain("os.makedirs(folder, exist_ok=True)");
    expect(helper?.source).toBe("%%writefile lib/newton.py\ndef solve():\n    return 1.4142\n");
    expect(main?.source).toBe("from lib.newton import solve\nprint(solve())\n");
    expect(new Set(nb.cells.map((c) => c.id)).size).toBe(5);
  });

  it("gives a Sage snippet the sagemath kernelspec, and an old revision its own code", async () => {
    const bob = await newUser("bob");
    const created = await createSnippet({ actor: bob, title: "Sage ring", files: [{ path: "main.sage", content: "R.<x> = QQ[]\nprint(x^2)\n" }] });
    await updateSnippet({ actor: bob, owner: bob.username, slug: created.slug, base: created.head, files: [{ path: "main.sage", content: "print(2^10)\n" }] });
    const old = await download(bob.username, created.slug, `${created.head}.ipynb`);
    expect(old.status).toBe(200);
    const text = await old.text();
    expect(nbformatProblem(text)).toBeNull();
    const nb = readWithJupyter(text);
    expect(nb.kernel).toBe("sagemath");
    expect(nb.language).toBe("sage");
    expect(nb.cells.at(-1)?.source).toBe("R.<x> = QQ[]\nprint(x^2)\n");
    const latest = readWithJupyter(await (await download(bob.username, created.slug, "HEAD.ipynb")).text());
    expect(latest.cells.at(-1)?.source).toBe("print(2^10)\n");
  });

  it("answers 404 for an unknown snippet, revision or file name", async () => {
    const carol = await newUser("carol");
    const created = await createSnippet({ actor: carol, title: "Tiny", files: [{ path: "main.py", content: "print(1)\n" }] });
    expect((await download(carol.username, "no-such-snippet", "main.ipynb")).status).toBe(404);
    expect((await download(carol.username, created.slug, "deadbeef.ipynb")).status).toBe(404);
    expect((await download(carol.username, created.slug, "main.zip")).status).toBe(404);
    expect((await download(carol.username, created.slug, "..%2Fetc.ipynb")).status).toBe(404);
  });
});

/** POST /api/v1/snippets as `actor` (a Bearer token), with a JSON body. */
async function postSnippet(actor: TActor, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const { token } = await createToken({ actor, name: uniqueName("nb") });
  const response = await createSnippetRoute(
    new Request("http://cellar.test/api/v1/snippets", {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    }),
    { params: Promise.resolve({}) },
  );
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function importBody(content: string, extra: Record<string, unknown> = {}) {
  return { import: "notebook", files: [{ path: "analysis.ipynb", content }], ...extra };
}

const FIXTURE = readFileSync(new URL("../fixtures/damped-oscillator.ipynb", import.meta.url), "utf8");

describe("POST /api/v1/snippets with import: notebook", () => {
  it("turns a notebook Jupyter wrote (magics, outputs, attachments) into main.py, a blurb and its image", async () => {
    const dana = await newUser("dana");
    const { status, json } = await postSnippet(dana, importBody(FIXTURE, { visibility: "unlisted" }));
    expect(status).toBe(201);
    expect(json.notes).toEqual(expect.arrayContaining([expect.stringMatching(/lines? of IPython syntax/)]));
    const slug = String(json.slug);
    const data = await getSnippet({ owner: dana.username, slug });
    expect(data.snippet.title).toBe("Damped oscillator");
    expect(data.snippet.description).toBe("Solves $x'' + 2\\zeta\\omega x' + \\omega^2 x = 0$ numerically and plots it.");
    expect(data.snippet.visibility).toBe("unlisted");
    expect(data.snippet.kernel).toBe("python");
    expect(data.files.map((f) => f.path).sort()).toEqual(["images/spring.png", "main.py"]);
    const main = data.files.find((f) => f.path === "main.py")?.text ?? "";
    // Magics and shell escapes are commented out; Python stays as it was.
    expect(main).toContain("# %matplotlib inline  (IPython");
    expect(main).toContain("# !pip install --quiet scipy  (IPython");
    expect(main).toContain("# %%time  (IPython");
    expect(main).toContain("# np.linspace?  (IPython");
    expect(main).toContain("        pass  # %debug (IPython");
    expect(main).toContain("# files = !ls  (IPython");
    expect(main).toContain("# The cell below used %%bash, which is not Python");
    expect(main).toContain("# uname -s");
    expect(main).toContain("plt.plot(t, x)\nplt.show()");
    // Later markdown and raw cells are comments where they stood.
    expect(main.indexOf("# ## Parameters")).toBeGreaterThan(main.indexOf("import numpy as np"));
    expect(main.indexOf("# ## Parameters")).toBeLessThan(main.indexOf("omega, zeta = 2.0, 0.1"));
    expect(main).toContain("# Raw text for nbconvert.");
    expect(main).toContain("# ![spring.png](images/spring.png)");
    // Outputs are not code: the traceback and the CPU times are not in the file.
    expect(main).not.toContain("ZeroDivisionError");
    expect(main).not.toContain("CPU times");
    // What Python itself says: the file compiles.
    const compiled = spawnSync("/usr/bin/python3", ["-c", "import sys; compile(sys.stdin.read(), 'main.py', 'exec')"], { input: main, encoding: "utf8" });
    expect(compiled.stderr).toBe("");
    expect(compiled.status).toBe(0);
    const files = await readSnippetFiles({ owner: dana.username, slug });
    const png = files.files.find((f) => f.path === "images/spring.png")?.content;
    expect(Buffer.from(png ?? []).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it("makes main.sage from a Sage notebook, and a given title wins", async () => {
    const erin = await newUser("erin");
    const sage = {
      nbformat: 4,
      nbformat_minor: 4,
      metadata: { kernelspec: { name: "sagemath-10.2", display_name: "SageMath 10.2", language: "sage" }, language_info: { name: "sage" } },
      cells: [{ cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: ["R.<x> = QQ[]\n", "factor(x^4 - 1)"] }],
    };
    const { status, json } = await postSnippet(erin, importBody(JSON.stringify(sage), { title: "Factoring" }));
    expect(status).toBe(201);
    const data = await getSnippet({ owner: erin.username, slug: String(json.slug) });
    expect(data.snippet.title).toBe("Factoring");
    expect(data.snippet.kernel).toBe("sage");
    expect(data.files.map((f) => [f.path, f.text])).toEqual([["main.sage", "R.<x> = QQ[]\nfactor(x^4 - 1)\n"]]);
  });

  it("round-trips: export, import, export again keeps every file, the title and the blurb", async () => {
    const fay = await newUser("fay");
    const original = await createSnippet({
      actor: fay,
      title: "Primes (sieve)",
      description: "Lists primes with a **sieve**.\n\nSee `lib/sieve.py`.",
      files: [
        { path: "main.py", content: "from lib.sieve import primes\n\nprint(primes(30))\n" },
        {
          path: "lib/sieve.py",
          content: "def primes(n):\n    s = [True] * (n + 1)\n    return [i for i in range(2, n + 1) if s[i] and all(i % p for p in range(2, i))]\n",
        },
        { path: "notes.txt", content: "no trailing newline" },
      ],
    });
    const first = await (await download(fay.username, original.slug, "main.ipynb")).text();
    const { status, json } = await postSnippet(fay, importBody(first));
    expect(status).toBe(201);
    const copy = await getSnippet({ owner: fay.username, slug: String(json.slug) });
    expect(copy.snippet.title).toBe("Primes (sieve)");
    expect(copy.snippet.description).toBe("Lists primes with a **sieve**.\n\nSee `lib/sieve.py`.");
    const source = await getSnippet({ owner: fay.username, slug: original.slug });
    const asPairs = (d: typeof copy) => d.files.map((f) => [f.path, f.text]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(asPairs(copy)).toEqual(asPairs(source));
    const second = await (await download(fay.username, String(json.slug), "main.ipynb")).text();
    const codeOf = (text: string) =>
      readWithJupyter(text)
        .cells.filter((c) => c.type === "code")
        .map((c) => c.source);
    expect(codeOf(second)).toEqual(codeOf(first));
    expect(nbformatProblem(second)).toBeNull();
  });

  it.each([
    ["not JSON", "{ this is not json", /it is not JSON/],
    ["a JSON list", "[1, 2]", /it is not a JSON object/],
    ["nbformat 3", JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [{ cells: [] }] }), /it is nbformat 3; only nbformat 4/],
    ["no nbformat", JSON.stringify({ cells: [] }), /it has no nbformat version/],
    ["cells not a list", JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: { a: 1 } }), /its cells are not a list/],
    [
      "a cell without source",
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", source: 42 }] }),
      /cell 1 is not a notebook cell: its source must be text/,
    ],
    [
      "no code",
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "markdown", metadata: {}, source: "# Only words" }] }),
      /it has no code cells/,
    ],
    [
      "too many cells",
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: Array.from({ length: 5001 }, () => ({ cell_type: "code", source: "1" })) }),
      /it has 5001 cells, more than 5000/,
    ],
    ["huge", JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { pad: "x".repeat(5_100_000) }, cells: [] }), /it is 5\.1 MB, more than the 5 MB/],
  ])("refuses a notebook that is %s with a 422 naming why, and stores nothing", async (_what, content, reason) => {
    const gil = await newUser("gil");
    const { status, json } = await postSnippet(gil, importBody(content, { title: "Refused" }));
    expect(status).toBe(422);
    const error = json.error as { code: string; message: string };
    expect(error.code).toBe("INVALID");
    expect(error.message).toMatch(/^This notebook cannot be imported: /);
    expect(error.message).toMatch(reason);
    expect(await readSnippetFilesOrNull(gil.username, "refused")).toBeNull();
  });

  it("refuses an import body that does not hold one .ipynb file, or an unknown import kind", async () => {
    const hal = await newUser("hal");
    const two = await postSnippet(hal, {
      import: "notebook",
      files: [
        { path: "a.ipynb", content: FIXTURE },
        { path: "b.ipynb", content: FIXTURE },
      ],
    });
    expect(two.status).toBe(422);
    expect((two.json.error as { message: string }).message).toBe('files: files must hold exactly one notebook (a .ipynb file) when import is "notebook".');
    const py = await postSnippet(hal, { import: "notebook", files: [{ path: "main.py", content: "print(1)" }] });
    expect(py.status).toBe(422);
    expect((py.json.error as { message: string }).message).toContain("a .ipynb file");
    const other = await postSnippet(hal, { import: "zip", files: [{ path: "a.ipynb", content: FIXTURE }] });
    expect(other.status).toBe(422);
    expect((other.json.error as { message: string }).message).toContain('import must be "notebook"');
  });
});

async function readSnippetFilesOrNull(owner: string, slug: string) {
  return readSnippetFiles({ owner, slug }).catch(() => null);
}
