import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitFiles, createRepo, isRepoError, listRevisions, readFile, resolveRevision } from "./index";
import { author, files, fsckStrict, gitCli, makeTempDir, text } from "./test-helpers";

let tmp: ReturnType<typeof makeTempDir>;
let dir: string;
beforeEach(() => {
  tmp = makeTempDir();
  dir = join(tmp.root, "r.git");
});
afterEach(() => tmp.cleanup());

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const worker = fileURLToPath(new URL("./concurrency-worker.ts", import.meta.url));

function runWorker(label: string, count: number): Promise<{ made: number; retries: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", worker, dir, label, String(count)], { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`worker ${label} exited with ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as { made: number; retries: number });
    });
  });
}

describe("no lost writes", () => {
  it("two processes × 100 revisions on one repository keep all 201 commits, and fsck passes", async () => {
    await createRepo({ dir, files: files({ "shared.txt": "start\n" }), message: "initial", author });
    const [a, b] = await Promise.all([runWorker("alpha", 100), runWorker("beta", 100)]);
    expect(a.made + b.made).toBe(200);
    expect(gitCli(dir, "rev-list", "--count", "HEAD").trim()).toBe("201");
    fsckStrict(dir);
    const history = await listRevisions({ dir });
    expect(history).toHaveLength(201);
    expect(history.filter((r) => r.message.startsWith("alpha "))).toHaveLength(100);
    expect(history.filter((r) => r.message.startsWith("beta "))).toHaveLength(100);
    // Linear: every commit's parent is the next one in the list.
    history.slice(0, -1).forEach((r, i) => expect(r.parents).toEqual([history[i + 1]?.oid]));
    // Each worker's revisions hold what it wrote (a worker's files replace the whole snapshot).
    for (const label of ["alpha", "beta"]) {
      const last = history.find((r) => r.message === `${label} 99\n`);
      expect(text((await readFile({ dir, rev: last?.oid ?? "", path: `${label}/count.txt` })).content)).toBe("99\n");
    }
    // No lock file left behind.
    expect(() => gitCli(dir, "rev-parse", "--verify", "-q", "refs/heads/main.lock")).toThrow();
  }, 240_000);

  it("in one process, concurrent commits on the same head: exactly one wins, the rest are STALE_HEAD", async () => {
    const { head } = await createRepo({ dir, files: files({ "a.txt": "0" }), message: "initial", author });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => commitFiles({ dir, files: files({ "a.txt": `${i + 1}` }), message: `c${i}`, author, expectedHead: head })),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    const current = await resolveRevision({ dir, rev: "HEAD" });
    for (const r of results) {
      if (r.status === "rejected") expect(isRepoError(r.reason, "STALE_HEAD") && r.reason.currentHead === current).toBe(true);
    }
    expect(gitCli(dir, "rev-list", "--count", "HEAD").trim()).toBe("2");
  });
});
