/*
 * Benchmarks of the git store. Run: npx tsx bench/repos/run.ts
 * Prints one line per figure: median and p95 in milliseconds, n, and the target if there is one.
 * Everything happens in a temp directory that is removed at the end.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  archiveRevision,
  commitFiles,
  createRepo,
  diffRevisions,
  forkRepo,
  listRevisions,
  packIfLoose,
  readFile,
  readTree,
  repoPathFor,
  type SnippetFile,
} from "../../lib/repos/index";

const root = mkdtempSync(join(tmpdir(), "cellar-bench-repos-"));
const encoder = new TextEncoder();
const author = { name: "Bench", email: "bench@example.test" };
let serial = 0;
const freshDir = () => join(root, repoPathFor(`bench/${serial++}`));

function file(path: string, text: string): SnippetFile {
  return { path, content: encoder.encode(text) };
}

/** ~`bytes` of plausible source code. */
function code(bytes: number, seed = 0): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `def function_${seed}_${i}(x):\n    return x * ${i} + ${(i * 7919) % 1000}  # comment ${i}`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n") + "\n";
}

async function measure(label: string, n: number, target: string | null, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < Math.min(5, n); i++) await fn(-1 - i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
  console.log(`${label}: median ${fmt(at(0.5))} ms, p95 ${fmt(at(0.95))} ms (n=${n})${target ? `   [target ${target}]` : ""}`);
}

/**
 * A repository with `revisions` revisions. `packAsTheSiteDoes`: after each revision, pack when
 * loose objects pile up, as lib/snippets/update-snippet does in the background.
 */
async function repoWithHistory(revisions: number, packAsTheSiteDoes = false): Promise<{ dir: string; heads: string[] }> {
  const dir = freshDir();
  const heads: string[] = [];
  let { head } = await createRepo({ dir, files: [file("main.py", code(2000)), file("lib/util.py", code(1000, 1))], message: "r0", author });
  heads.push(head);
  for (let i = 1; i < revisions; i++) {
    ({ head } = await commitFiles({
      dir,
      files: [file("main.py", code(2000) + `# rev ${i}\n`), file("lib/util.py", code(1000, 1))],
      message: `r${i}`,
      author,
      expectedHead: head,
    }));
    heads.push(head);
    if (packAsTheSiteDoes) await packIfLoose({ dir });
  }
  return { dir, heads };
}

function repack(dir: string): void {
  execFileSync("git", ["-C", dir, "repack", "-adq"]);
  execFileSync("git", ["-C", dir, "prune-packed"]);
}

const devNull = () => new Writable({ write: (_chunk, _enc, cb) => cb() });

async function main(): Promise<void> {
  console.log(`git store benchmark (node ${process.version}, ${new Date().toISOString()})`);

  const three = [file("main.py", code(3000)), file("README.md", "# Hello\n\nA snippet.\n"), file("lib/util.py", code(1500, 1))];
  await measure("create (init + first commit of 3 files)", 100, null, () => createRepo({ dir: freshDir(), files: three, message: "create", author }));

  const editDir = freshDir();
  let head = (await createRepo({ dir: editDir, files: three, message: "create", author })).head;
  await measure("commit (1 changed file of 3)", 200, "≤ 10 ms", async (i) => {
    ({ head } = await commitFiles({
      dir: editDir,
      files: [three[0] as SnippetFile, three[1] as SnippetFile, file("lib/util.py", code(1500, 1) + `# ${i}\n`)],
      message: `edit ${i}`,
      author,
      expectedHead: head,
    }));
  });

  const { dir: histDir, heads } = await repoWithHistory(100);
  const old = heads[10] as string;
  await measure("read file at a revision (full oid, 100-rev repo, loose)", 500, "≤ 1 ms", () => readFile({ dir: histDir, rev: old, path: "lib/util.py" }));
  await measure("read file at HEAD (loose)", 500, "≤ 1 ms", () => readFile({ dir: histDir, rev: "HEAD", path: "lib/util.py" }));
  await measure("readTree at HEAD (2 files)", 300, null, () => readTree({ dir: histDir, rev: "HEAD" }));
  await measure("listRevisions of 100 (loose)", 30, null, () => listRevisions({ dir: histDir }));

  const small = await repoWithHistory(1);
  await measure("fork of 1-revision repo (loose)", 40, "≤ 20 ms flat", () => forkRepo({ sourceDir: small.dir, targetDir: freshDir() }));
  await measure("fork of 100-revision repo (loose: ~300 object files)", 40, "≤ 20 ms flat", () => forkRepo({ sourceDir: histDir, targetDir: freshDir() }));
  await measure("  alternative: git clone --bare (hardlinks) of 100-revision repo (loose)", 20, null, async () => {
    execFileSync("git", ["clone", "-q", "--bare", histDir, freshDir()]);
  });
  const kept = await repoWithHistory(100, true);
  await measure("fork of 100-revision repo (kept as the site keeps it: packed when loose objects pile up)", 40, "≤ 20 ms flat", () =>
    forkRepo({ sourceDir: kept.dir, targetDir: freshDir() }),
  );

  repack(small.dir);
  repack(histDir);
  await measure("fork of 1-revision repo (after repack -ad)", 40, "≤ 20 ms flat", () => forkRepo({ sourceDir: small.dir, targetDir: freshDir() }));
  await measure("fork of 100-revision repo (after repack -ad)", 40, "≤ 20 ms flat", () => forkRepo({ sourceDir: histDir, targetDir: freshDir() }));
  await measure("  alternative: git clone --bare (hardlinks) of 100-revision repo (packed)", 20, null, async () => {
    execFileSync("git", ["clone", "-q", "--bare", histDir, freshDir()]);
  });
  await measure("read file at a revision (packed)", 500, "≤ 1 ms", () => readFile({ dir: histDir, rev: old, path: "lib/util.py" }));
  await measure("read file at HEAD (packed)", 500, "≤ 1 ms", () => readFile({ dir: histDir, rev: "HEAD", path: "lib/util.py" }));
  await measure("listRevisions of 100 (packed)", 30, null, () => listRevisions({ dir: histDir }));

  const zipDir = freshDir();
  const ten = Array.from({ length: 10 }, (_, i) => file(i < 5 ? `f${i}.py` : `pkg/f${i}.py`, code(3000, i)));
  await createRepo({ dir: zipDir, files: ten, message: "ten", author });
  await measure("ZIP of 10 files (~3 KB each), streamed to nowhere", 100, null, async () => {
    await pipeline(await archiveRevision({ dir: zipDir, rev: "HEAD", prefix: "bench" }), devNull());
  });

  const diffDir = freshDir();
  const big = code(50_000);
  const a = await createRepo({ dir: diffDir, files: [file("big.py", big)], message: "a", author });
  const edited = big.replace("return x * 500 +", "return x * 501 +");
  const b = await commitFiles({ dir: diffDir, files: [file("big.py", edited)], message: "b", author, expectedHead: a.head });
  await measure("diff of a small edit in a 50 KB file", 200, null, () => diffRevisions({ dir: diffDir, from: a.head, to: b.head }));
}

try {
  await main();
} finally {
  rmSync(root, { recursive: true, force: true });
}
