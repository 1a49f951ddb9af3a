/** The hosts' cache of shipped trees: fetched once, then read from disk; least recently used evicted past its size. */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TreeCache } from "./tree-cache";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const key = (n: number) => n.toString(16).padStart(40, "0");
const tree = (text: string) => new TextEncoder().encode(JSON.stringify({ files: [{ path: "a.txt", base64: Buffer.from(text).toString("base64") }] }));

describe("TreeCache", () => {
  it("fetches a tree once and serves it from disk after", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cellar-trees-"));
    dirs.push(dir);
    const fetched: string[] = [];
    const cache = new TreeCache(dir, 1024 * 1024, async (k) => (fetched.push(k), tree("hello")));
    expect(await cache.files(key(1))).toEqual([{ path: "a.txt", base64: Buffer.from("hello").toString("base64") }]);
    expect(await cache.files(key(1))).toHaveLength(1);
    expect(fetched).toEqual([key(1)]);
    expect(cache.stats).toEqual({ fetched: 1, cached: 1 });
  });

  it("answers null for a tree the bucket lacks, and refuses a key that is not one", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cellar-trees-"));
    dirs.push(dir);
    const cache = new TreeCache(dir, 1024, async () => null);
    expect(await cache.files(key(2))).toBeNull();
    await expect(cache.files("../../etc/passwd")).rejects.toThrow();
  });

  it("evicts the least recently used trees past its size, never the one just fetched", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cellar-trees-"));
    dirs.push(dir);
    const size = tree("x".repeat(1000)).length;
    const cache = new TreeCache(dir, size * 2 + 10, async () => tree("x".repeat(1000)));
    await cache.files(key(1));
    await new Promise((r) => setTimeout(r, 20));
    await cache.files(key(2));
    await new Promise((r) => setTimeout(r, 20));
    await cache.files(key(1)); // used again: now the newest of the two
    await new Promise((r) => setTimeout(r, 20));
    await cache.files(key(3));
    expect(readdirSync(cache.dir).sort()).toEqual([`${key(1)}.json`, `${key(3)}.json`]);
  });
});
