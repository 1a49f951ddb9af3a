import { spawnSync } from "node:child_process";
import { expect, type Download } from "@playwright/test";

/** The downloaded notebook as Jupyter reads it, after nbformat.validate accepted it (else the test fails with its message). */
export async function validNotebook(download: Download): Promise<{ kernel: string; cells: { type: string; source: string; outputs: string[] }[] }> {
  const path = await download.path();
  const script = [
    "import json, nbformat, sys, warnings",
    "from nbformat.warnings import MissingIDFieldWarning",
    // nbformat 5 only warns about a cell without an id (4.5 requires one).
    "warnings.simplefilter('error', MissingIDFieldWarning)",
    "nb = nbformat.read(sys.argv[1], 4)",
    "nbformat.validate(nb)",
    "print(json.dumps({'kernel': nb.metadata.kernelspec.name, 'cells': [",
    "  {'type': c.cell_type, 'source': c.source, 'outputs': [o.get('text', '') or o.get('ename', '') or ','.join(sorted(o.get('data', {}))) for o in c.get('outputs', [])]}",
    "  for c in nb.cells]}))",
  ].join("\n");
  const run = spawnSync("/usr/bin/python3", ["-c", script, path], { encoding: "utf8" });
  expect(run.stderr, "nbformat.validate").toBe("");
  return JSON.parse(run.stdout) as Awaited<ReturnType<typeof validNotebook>>;
}
