import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitFiles, createRepo, isBinary, LIMITS, RepoError, validateFiles, type SnippetFile } from "./index";
import { author, files, gitCli, makeTempDir } from "./test-helpers";

const one = (path: string, content: Uint8Array = new Uint8Array([0x61])): SnippetFile[] => [{ path, content }];

function errorOf(fn: () => void): RepoError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RepoError) return err;
    throw err;
  }
  throw new Error("expected validateFiles to throw");
}

describe("validateFiles", () => {
  it("accepts ordinary snippets, including unicode names and 8-level paths", () => {
    expect(() => validateFiles(files({ "main.py": "x", "src/util/helpers.ts": "y", "données/été.txt": "z", "a/b/c/d/e/f/g/h.txt": "" }))).not.toThrow();
    expect(() => validateFiles(one("x", new Uint8Array(LIMITS.maxFileBytes)))).not.toThrow();
  });

  const badPaths: [string, string, RegExp][] = [
    ["parent segment", "../etc/passwd", /"\.\." segment/],
    ["inner parent segment", "a/../b", /"\.\." segment/],
    ["dot segment", "./a", /"\." segment/],
    ["leading slash", "/etc/passwd", /relative/],
    [".git folder", ".git/config", /\.git/],
    [".git any case", "src/.GiT/hooks", /\.git/],
    [".git NTFS trailing dot", ".git./x", /\.git/],
    [".git NTFS short name", "GIT~1/x", /\.git/],
    [".git with HFS ignorable", ".g\u200cit/x", /\.git/],
    ["NUL", "a\u0000b", /control/],
    ["newline", "a\nb", /control/],
    ["DEL", "a\u007fb", /control/],
    ["backslash", "a\\b", /backslash/],
    ["empty segment", "a//b", /empty folder name/],
    ["trailing slash", "a/", /ends with \//],
    ["empty path", "", /empty/],
    ["too deep", "1/2/3/4/5/6/7/8/9.txt", /9 levels deep; the limit is 8/],
    ["too long", `${"x".repeat(252)}.txt`, /256 bytes long; the limit is 255/],
    ["lone surrogate", "a\ud800.txt", /Unicode/],
  ];
  for (const [name, path, message] of badPaths) {
    it(`rejects a path with ${name} as INVALID_FILES naming the file`, () => {
      const err = errorOf(() => validateFiles([...files({ "ok.txt": "fine" }), ...one(path)]));
      expect(err.code).toBe("INVALID_FILES");
      expect(err.message).toMatch(message);
      expect(err.message).toContain(JSON.stringify(path));
      expect(err.path).toBe(path);
    });
  }

  it("counts path length in UTF-8 bytes (255 ok, 256 not)", () => {
    expect(() => validateFiles(one("é".repeat(127) + "x"))).not.toThrow(); // 255 bytes
    expect(errorOf(() => validateFiles(one("é".repeat(128)))).code).toBe("INVALID_FILES"); // 256 bytes
  });

  it("rejects no files", () => {
    const err = errorOf(() => validateFiles([]));
    expect(err.code).toBe("INVALID_FILES");
    expect(err.message).toMatch(/at least one file/);
  });

  it("rejects more than 50 files as TOO_LARGE", () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ path: `f${i}.txt`, content: new Uint8Array() }));
    expect(() => validateFiles(many.slice(0, 50))).not.toThrow();
    const err = errorOf(() => validateFiles(many));
    expect(err.code).toBe("TOO_LARGE");
    expect(err.message).toMatch(/at most 50 files; this one has 51/);
  });

  it("rejects a file over 1 MB (1,000,000 bytes) as TOO_LARGE naming it", () => {
    const err = errorOf(() => validateFiles([...files({ "a.txt": "a" }), ...one("big.bin", new Uint8Array(1_000_001))]));
    expect(err.code).toBe("TOO_LARGE");
    expect(err.message).toContain('"big.bin"');
    expect(err.message).toMatch(/1 MB \(1,000,000 bytes\)/);
  });

  it("rejects more than 5 MB in all as TOO_LARGE", () => {
    const five = Array.from({ length: 5 }, (_, i) => ({ path: `f${i}`, content: new Uint8Array(1_000_000) }));
    expect(() => validateFiles(five)).not.toThrow();
    const err = errorOf(() => validateFiles([...five, ...one("straw")]));
    expect(err.code).toBe("TOO_LARGE");
    expect(err.message).toMatch(/5 MB \(5,000,000 bytes\) per snippet/);
  });

  it("rejects two files with the same path", () => {
    const err = errorOf(() => validateFiles([...one("a.txt"), ...one("b"), ...one("a.txt")]));
    expect(err.code).toBe("INVALID_FILES");
    expect(err.message).toMatch(/"a\.txt": two files have this path/);
  });

  it("rejects a file that is also the folder of another file, in either order", () => {
    for (const order of [
      ["a", "a/b"],
      ["a/b/c", "a/b"],
    ]) {
      const err = errorOf(() => validateFiles(order.flatMap((p) => one(p))));
      expect(err.code).toBe("INVALID_FILES");
      expect(err.message).toMatch(/is also the folder of/);
    }
    expect(() => validateFiles([...one("a.txt"), ...one("a/b")])).not.toThrow();
  });
});

describe("bad input writes nothing", () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it("createRepo with invalid files creates no repository", async () => {
    const dir = join(tmp.root, "ab", "cd.git");
    await expect(createRepo({ dir, files: one("../x"), message: "m", author })).rejects.toMatchObject({ code: "INVALID_FILES" });
    await expect(createRepo({ dir, files: one("big", new Uint8Array(1_000_001)), message: "m", author })).rejects.toMatchObject({ code: "TOO_LARGE" });
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(tmp.root)).toEqual([]);
  });

  it("commitFiles with invalid files leaves head and objects untouched", async () => {
    const dir = join(tmp.root, "r.git");
    const { head } = await createRepo({ dir, files: files({ "a.txt": "1" }), message: "m", author });
    const objectsBefore = gitCli(dir, "count-objects", "-v");
    await expect(commitFiles({ dir, files: [...files({ "a.txt": "2" }), ...one(".git/x")], message: "m", author, expectedHead: head })).rejects.toMatchObject({
      code: "INVALID_FILES",
    });
    expect(gitCli(dir, "rev-parse", "HEAD").trim()).toBe(head);
    expect(gitCli(dir, "count-objects", "-v")).toBe(objectsBefore);
  });
});

describe("isBinary", () => {
  const enc = new TextEncoder();
  it("treats UTF-8 text (including empty) as text", () => {
    expect(isBinary(new Uint8Array())).toBe(false);
    expect(isBinary(enc.encode("print('héllo, 世界 🌍')\n"))).toBe(false);
  });
  it("treats a NUL in the first 8000 bytes as binary, but not one after", () => {
    const early = enc.encode("abc\u0000def");
    expect(isBinary(early)).toBe(true);
    const late = new Uint8Array(9000).fill(0x61);
    late[8500] = 0;
    expect(isBinary(late)).toBe(false);
  });
  it("treats invalid UTF-8 as binary", () => {
    expect(isBinary(new Uint8Array([0x61, 0xff, 0x62]))).toBe(true);
    expect(isBinary(new Uint8Array([0xc3]))).toBe(true);
  });
});
