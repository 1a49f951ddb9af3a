/**
 * Jupyter's own check of a notebook (Debian's python3-nbformat, installed by scripts/setup.sh).
 * A cell without an id is only a warning in nbformat 5 (reads() fills one in), but 4.5 requires
 * ids: that warning is an error here.
 */
import { spawnSync } from "node:child_process";

const VALIDATE_NOTEBOOK = [
  "import sys, warnings, nbformat",
  "from nbformat.warnings import MissingIDFieldWarning",
  "warnings.simplefilter('error', MissingIDFieldWarning)",
  "nbformat.validate(nbformat.reads(sys.stdin.read(), 4))",
].join("\n");

/** Jupyter's verdict on a notebook: null when nbformat.validate accepts it, else the end of its message. */
export function nbformatProblem(text: string): string | null {
  const run = spawnSync("/usr/bin/python3", ["-c", VALIDATE_NOTEBOOK], { input: text, encoding: "utf8" });
  return run.status === 0 && run.stderr === "" ? null : run.stderr.trim().split("\n").slice(-3).join("\n") || `exit ${run.status}`;
}
