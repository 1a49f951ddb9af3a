import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitFiles, createRepo, diffRevisions, forkRepo, listRevisions, readFile, readTree, repackAll, repoPathFor, resolveRevision } from "./index";
import { author, files, fsckStrict, makeTempDir, text } from "./test-helpers";

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => (tmp = makeTempDir()));
afterEach(() => tmp.cleanup());

const looseObjects = (dir: string) => readdirSync(join(dir, "objects")).filter((d) => /^[0-9a-f]{2}$/.test(d));

describe("repackAll", () => {
  it("packs every repository under the repos dir, and every read still works on packed repos", async () => {
    const dirs = ["ada/one", "ada/two", "bob/three"].map((key) => join(tmp.root, repoPathFor(key)));
    const heads: string[][] = [];
    for (const dir of dirs) {
      const a = await createRepo({ dir, files: files({ "a.txt": "1\n", "src/b.py": "b\n" }), message: "a", author });
      const b = await commitFiles({ dir, files: files({ "a.txt": "2\n", "src/b.py": "b\n" }), message: "b", author, expectedHead: a.head });
      heads.push([a.head, b.head]);
    }
    const result = await repackAll({ reposDir: tmp.root });
    expect(result).toEqual({ packed: 3, failed: [] });
    for (const [i, dir] of dirs.entries()) {
      const [first, second] = heads[i] as [string, string];
      expect(looseObjects(dir)).toEqual([]);
      expect(readdirSync(join(dir, "objects", "pack")).some((f) => f.endsWith(".pack"))).toBe(true);
      fsckStrict(dir);
      expect(await resolveRevision({ dir, rev: first.slice(0, 7) })).toBe(first);
      expect(text((await readFile({ dir, rev: first, path: "a.txt" })).content)).toBe("1\n");
      expect(text((await readFile({ dir, rev: "HEAD", path: "src/b.py" })).content)).toBe("b\n");
      expect((await readTree({ dir, rev: second })).map((f) => [f.path, f.size])).toEqual([
        ["a.txt", 2],
        ["src/b.py", 2],
      ]);
      expect((await listRevisions({ dir })).map((r) => r.oid)).toEqual([second, first]);
      expect((await diffRevisions({ dir, from: first, to: second }))[0]?.hunks?.[0]?.lines).toEqual(["-1", "+2"]);
      // Writing on top of a packed repository works too.
      await commitFiles({ dir, files: files({ "a.txt": "3\n" }), message: "c", author, expectedHead: second });
      fsckStrict(dir);
    }
    const fork = join(tmp.root, repoPathFor("carol/one"));
    await forkRepo({ sourceDir: dirs[0] as string, targetDir: fork });
    expect(text((await readFile({ dir: fork, rev: "HEAD", path: "a.txt" })).content)).toBe("3\n");
  });

  it("reports a broken repository and carries on with the others", async () => {
    const good = join(tmp.root, repoPathFor("ada/good"));
    await createRepo({ dir: good, files: files({ a: "1" }), message: "m", author });
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(tmp.root, "00", "broken.git"), { recursive: true });
    const result = await repackAll({ reposDir: tmp.root });
    expect(result.packed).toBe(1);
    expect(result.failed.map((f) => f.dir)).toEqual([join(tmp.root, "00", "broken.git")]);
  });
});
