import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { notebookToSnippet } from "./notebook-to-snippet";

/** A notebook of these cells (strings: code; `{md}`: markdown), with an optional kernelspec. */
function notebook(cells: (string | { md: string })[], kernelspec?: Record<string, string>): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: kernelspec ? { kernelspec } : {},
    cells: cells.map((c, i) =>
      typeof c === "string"
        ? { cell_type: "code", id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source: c }
        : { cell_type: "markdown", id: `c${i}`, metadata: {}, source: c.md },
    ),
  });
}

function mainOf(text: string): string {
  const r = notebookToSnippet(text, "t.ipynb");
  const main = r.files.find((f) => f.path === r.mainFile)?.content;
  return typeof main === "string" ? main : "";
}

describe("notebookToSnippet", () => {
  it("comments out IPython syntax only: magics, shell escapes and help, not Python that looks alike", () => {
    const main = mainOf(
      notebook([
        ["%load_ext autoreload", "x = 5 % 3", "y = x != 2", "files = !ls -1", "t = %timeit -o sum([1])", "d = {'a': 1}", "print?", "s = '%d!' % 3"].join("\n"),
      ]),
    );
    const lines = main.split("\n");
    expect(lines).toContain("# %load_ext autoreload  (IPython, not Python: commented out on import)");
    expect(lines).toContain("x = 5 % 3");
    expect(lines).toContain("y = x != 2");
    expect(lines).toContain("# files = !ls -1  (IPython, not Python: commented out on import)");
    expect(lines).toContain("# t = %timeit -o sum([1])  (IPython, not Python: commented out on import)");
    expect(lines).toContain("d = {'a': 1}");
    expect(lines).toContain("# print?  (IPython, not Python: commented out on import)");
    expect(lines).toContain("s = '%d!' % 3");
    expect(main).toMatch(/^# Imported from the notebook t\.ipynb\.\n# 4 lines of IPython syntax/);
  });

  it("takes the title from the first heading (closing #s and escapes removed) and the rest as the blurb", () => {
    const r = notebookToSnippet(notebook([{ md: "  # Fast \\*Fourier\\* ##  \n\nIntro *text*." }, "print(1)", { md: "Later words" }]), "t.ipynb");
    expect(r.title).toBe("Fast *Fourier*");
    expect(r.description).toBe("Intro *text*.");
    expect(r.files).toEqual([{ path: "main.py", content: "print(1)\n\n# Later words\n" }]);
  });

  it("keeps a notebook without a heading untitled, and its markdown as the blurb", () => {
    const r = notebookToSnippet(notebook([{ md: "Just words." }, "1 + 1"]), "t.ipynb");
    expect(r.title).toBeNull();
    expect(r.description).toBe("Just words.");
  });

  it("reads %%writefile cells (quoted, appended) as files and keeps main.py free", () => {
    const r = notebookToSnippet(
      notebook(['%%writefile "my data.csv"\na,b\n', "%%writefile -a my data.csv\n1,2\n", "%%writefile main.py\nprint('m')\n", "import csv"]),
      "t.ipynb",
    );
    expect(r.mainFile).toBe("notebook.py");
    expect(Object.fromEntries(r.files.map((f) => [f.path, f.content]))).toEqual({
      "notebook.py": "import csv\n",
      "my data.csv": "a,b\n1,2\n",
      "main.py": "print('m')\n",
    });
  });

  it("names the main file main.sage for a Sage kernel", () => {
    const r = notebookToSnippet(notebook(["var('x')"], { name: "sagemath", display_name: "SageMath 9.5", language: "sage" }), "t.ipynb");
    expect(r.kernel).toBe("sage");
    expect(r.mainFile).toBe("main.sage");
  });

  it("leaves out an attachment that is not a bitmap image, saying so", () => {
    const text = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: "markdown", id: "m", metadata: {}, source: "x", attachments: { "evil.svg": { "image/svg+xml": "<svg onload='alert(1)'/>" } } },
        { cell_type: "code", id: "c", metadata: {}, execution_count: null, outputs: [], source: "1" },
      ],
    });
    const r = notebookToSnippet(text, "t.ipynb");
    expect(r.files.map((f) => f.path)).toEqual(["main.py"]);
    expect(r.notes).toEqual(['The attachment "evil.svg" of cell 1 is not an image we keep; it was left out.']);
  });

  it("handles megabyte-long lines (no backtracking patterns)", () => {
    const long = "a " + " ".repeat(1_000_000) + "b";
    const r = notebookToSnippet(
      notebook([{ md: `# T${" ".repeat(1_000_000)}x` }, `${long}\n%%writefile${" ".repeat(100_000)}`, `x${" ".repeat(1_000_000)}= 1`]),
      "t.ipynb",
    );
    expect(r.files).toHaveLength(1);
  });

  it("refuses a notebook with a reason", () => {
    try {
      notebookToSnippet('{"nbformat": 5, "cells": []}', "t.ipynb");
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e) && e.status).toBe(422);
      expect((e as Error).message).toBe(
        "This notebook cannot be imported: it is nbformat 5; only nbformat 4 notebooks can be imported (open and save it in a recent Jupyter to convert it).",
      );
    }
  });
});
