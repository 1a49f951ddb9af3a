import { describe, expect, it } from "vitest";
import { EMPTY_LOG, type TRunCell, type TRunLog } from "@/lib/runs/run-log";
import { buildCellNotebook, buildNotebook } from "./build-notebook";
import { serializeNotebook, type TNbCodeCell } from "./nbformat";
import { nbformatProblem } from "@/test/support/nbformat";
import { withRunOutputs } from "./run-outputs";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

function cell(partial: Partial<TRunCell>): TRunCell {
  return { msgId: Math.random().toString(36), code: null, file: null, state: "ok", count: null, outputs: [], startedAt: null, endedAt: null, ...partial };
}

const notebook = buildNotebook({
  title: "Plot",
  description: "",
  url: "https://cellar.test/a/plot",
  rev: "0123456789abcdef0123456789abcdef01234567",
  license: { name: "MIT", url: null },
  credits: ["a"],
  kernel: "python",
  mainFile: "main.py",
  files: [{ path: "main.py", text: "print('hi')\n" }],
  rawUrl: (p) => `https://cellar.test/a/plot/raw/x/${p}`,
});

const log: TRunLog = {
  ...EMPTY_LOG,
  cells: [
    cell({
      file: "main.py",
      count: 1,
      outputs: [
        { kind: "stream", name: "stdout", text: "hi\nthere\n" },
        { kind: "display", data: { "image/png": PNG, "text/plain": "<Figure>" } },
        { kind: "display", data: { "text/html": "<b>bold</b>", "text/latex": "$x^2$", "application/vnd.cellar.scene3d+json": { x: 1 } } },
        { kind: "display", data: { "application/vnd.cellar.interact+json": { id: "x" } } },
      ],
    }),
    cell({
      code: "1/0",
      count: 2,
      state: "error",
      outputs: [
        { kind: "result", count: 2, data: { "text/plain": "42" } },
        { kind: "error", ename: "ZeroDivisionError", evalue: "division by zero", traceback: ["\u001b[31mZeroDivisionError\u001b[0m"] },
        { kind: "limit", text: "stopped: used more than 512 MB of memory" },
      ],
    }),
  ],
};

describe("withRunOutputs", () => {
  const merged = withRunOutputs(notebook, log);

  it("puts the snippet's run into the main cell and the reader's cells after it", () => {
    const code = merged.cells.filter((c): c is TNbCodeCell => c.cell_type === "code");
    expect(code.map((c) => c.source)).toEqual([["print('hi')\n"], ["1/0"]]);
    expect(code[0]?.execution_count).toBe(1);
    expect(code[0]?.outputs.map((o) => o.output_type)).toEqual(["stream", "display_data", "display_data"]);
    expect(code[0]?.outputs[1]).toEqual({ output_type: "display_data", data: { "image/png": PNG, "text/plain": ["<Figure>"] }, metadata: {} });
    // Cellar's own MIME types are dropped; a bundle with nothing left is no output at all.
    expect(code[0]?.outputs[2]).toEqual({ output_type: "display_data", data: { "text/html": ["<b>bold</b>"], "text/latex": ["$x^2$"] }, metadata: {} });
    expect(code[1]?.outputs.map((o) => o.output_type)).toEqual(["execute_result", "error", "stream"]);
    // The notebook it started from is unchanged.
    expect(notebook.cells.filter((c) => c.cell_type === "code").every((c) => c.cell_type === "code" && c.outputs.length === 0)).toBe(true);
  });

  it("is a notebook Jupyter's validator accepts", () => {
    expect(nbformatProblem(serializeNotebook(merged))).toBeNull();
  });
});

describe("a /cell run as a notebook", () => {
  it("holds the code Run ran with its outputs, in the kernel it ran in, and validates", () => {
    const ran = withRunOutputs(buildCellNotebook({ code: "x = 6 * 7\nprint(x)", kernel: "sage" }), {
      ...EMPTY_LOG,
      cells: [
        cell({ count: 1, outputs: [{ kind: "stream", name: "stdout", text: "42\n" }] }),
        cell({ code: "x + 1", count: 2, outputs: [{ kind: "result", count: 2, data: { "text/plain": "43" } }] }),
      ],
    });
    expect(ran.metadata.kernelspec).toEqual({ name: "sagemath", display_name: "SageMath", language: "sage" });
    const code = ran.cells.filter((c): c is TNbCodeCell => c.cell_type === "code");
    expect(code.map((c) => [c.source, c.outputs])).toEqual([
      [["x = 6 * 7\n", "print(x)"], [{ output_type: "stream", name: "stdout", text: ["42\n"] }]],
      [["x + 1"], [{ output_type: "execute_result", execution_count: 2, data: { "text/plain": ["43"] }, metadata: {} }]],
    ]);
    expect(buildCellNotebook({ code: "1", kernel: "python" }).metadata.kernelspec).toMatchObject({ name: "python3" });
    expect(nbformatProblem(serializeNotebook(ran))).toBeNull();
  });
});
