import { execFileSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { archiveRevision, commitFiles, createRepo } from "./index";
import { author, files, makeTempDir } from "./test-helpers";

let tmp: ReturnType<typeof makeTempDir>;
let dir: string;
beforeEach(() => {
  tmp = makeTempDir();
  dir = join(tmp.root, "r.git");
});
afterEach(() => tmp.cleanup());

/** Read a ZIP with Python's zipfile: {name: content as latin-1 string}, after testzip(). */
function unzipWithPython(zipPath: string): Record<string, string> {
  const script = [
    "import sys, json, zipfile",
    "z = zipfile.ZipFile(sys.argv[1])",
    "assert z.testzip() is None",
    "print(json.dumps({i.filename: z.read(i).decode('latin-1') for i in z.infolist()}))",
  ].join("\n");
  return JSON.parse(execFileSync("python3", ["-c", script, zipPath], { encoding: "utf8" })) as Record<string, string>;
}

describe("archiveRevision", () => {
  it("streams a ZIP of the revision's files under the prefix, including nested and binary files", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0xff]);
    const a = await createRepo({ dir, files: files({ "main.py": "print(1)\n", "lib/deep/util.py": "x = 2\n", "logo.png": png }), message: "a", author });
    await commitFiles({ dir, files: files({ "main.py": "print(2)\n" }), message: "b", author, expectedHead: a.head });
    const zipPath = join(tmp.root, "out.zip");
    await pipeline(await archiveRevision({ dir, rev: a.head, prefix: "ada-hello-1234567" }), createWriteStream(zipPath));
    expect(unzipWithPython(zipPath)).toEqual({
      "ada-hello-1234567/lib/deep/util.py": "x = 2\n",
      "ada-hello-1234567/logo.png": Buffer.from(png).toString("latin1"),
      "ada-hello-1234567/main.py": "print(1)\n",
    });
    // Info-ZIP agrees and every entry carries the commit time (2023-11-14 UTC), not "now".
    const listing = execFileSync("unzip", ["-l", zipPath], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
    expect(listing).toMatch(/3 files/);
    expect(listing).toMatch(/2023-11-14|11-14-2023/);
  });

  it("zips the same revision to the same bytes twice", async () => {
    const a = await createRepo({ dir, files: files({ "a.txt": "a\n" }), message: "a", author });
    const collect = async () => Buffer.concat(await (await archiveRevision({ dir, rev: a.head, prefix: "p" })).toArray());
    expect((await collect()).equals(await collect())).toBe(true);
  });

  it("throws NOT_FOUND before streaming for an unknown revision, and rejects unsafe prefixes", async () => {
    await createRepo({ dir, files: files({ "a.txt": "a\n" }), message: "a", author });
    await expect(archiveRevision({ dir, rev: "deadbeef", prefix: "p" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(archiveRevision({ dir, rev: "HEAD", prefix: "../p" })).rejects.toThrow(/prefix/);
    await expect(archiveRevision({ dir, rev: "HEAD", prefix: "" })).rejects.toThrow(/prefix/);
  });
});
