import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commitFiles, createRepo, forkRepo, listRevisions, readFile } from "./index";
import { packIfLoose } from "./maintenance";
import { author, files, fsckStrict, gitCli, makeTempDir, text } from "./test-helpers";

let tmp: ReturnType<typeof makeTempDir> | undefined;
afterEach(() => {
  tmp?.cleanup();
  tmp = undefined;
});

function looseFolders(dir: string): number {
  return readdirSync(join(dir, "objects")).filter((e) => /^[0-9a-f]{2}$/.test(e)).length;
}

describe("packIfLoose", () => {
  it("leaves a young repository alone, packs one with many loose objects, and keeps every revision readable", async () => {
    tmp = makeTempDir();
    const dir = join(tmp.root, "ab", "c".repeat(38) + ".git");
    let { head } = await createRepo({ dir, files: files({ "main.py": "print(0)\n" }), message: "v0", author });
    expect(await packIfLoose({ dir, threshold: 40 })).toBe(false);

    for (let i = 1; i <= 40; i++) {
      ({ head } = await commitFiles({ dir, files: files({ "main.py": `print(${i})\n` }), message: `v${i}`, author, expectedHead: head }));
    }
    expect(looseFolders(dir)).toBeGreaterThanOrEqual(40);
    expect(await packIfLoose({ dir, threshold: 40 })).toBe(true);
    expect(looseFolders(dir)).toBeLessThan(5);
    expect(gitCli(dir, "count-objects", "-v")).toMatch(/in-pack: 1\d\d/);
    fsckStrict(dir);

    const revisions = await listRevisions({ dir });
    expect(revisions).toHaveLength(41);
    const oldest = revisions[revisions.length - 1]!.oid;
    expect(text((await readFile({ dir, rev: oldest, path: "main.py" })).content)).toBe("print(0)\n");

    // A fork of the packed repository has the whole history.
    const fork = join(tmp.root, "cd", "d".repeat(38) + ".git");
    await forkRepo({ sourceDir: dir, targetDir: fork });
    expect(await listRevisions({ dir: fork })).toHaveLength(41);
  });
});
