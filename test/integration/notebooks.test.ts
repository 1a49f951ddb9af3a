/**
 * Jupyter notebooks in and out, against a real database, real repositories and Jupyter's own
 * validator (Debian's python3-nbformat): what Jupyter would say about the notebooks we write,
 * and what a user gets from importing one.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { GET as getNotebookRoute } from "@/app/[owner]/[slug]/notebook/[file]/route";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import type { TActor } from "@/lib/snippets/schema";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

async function newUser(prefix = "nb"): Promise<TActor> {
  const user = await createUser({ username: uniqueName(prefix), password: "correct horse battery" });
  return { id: user.id, username: user.username };
}

/** Jupyter's verdict on a notebook: null when nbformat.validate accepts it, else its message. */
function nbformatProblem(text: string): string | null {
  const run = spawnSync("/usr/bin/python3", ["-c", "import nbformat,sys; nbformat.validate(nbformat.reads(sys.stdin.read(), 4))"], {
    input: text,
    encoding: "utf8",
  });
  return run.status === 0 ? null : run.stderr.trim().split("\n").slice(-3).join("\n") || `exit ${run.status}`;
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
