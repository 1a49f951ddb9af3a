/**
 * Snippet trees shipped to an execution host (docs/scale.md, "Code shipped by tree"): the site
 * puts a tree's files once into the JetStream object store `<prefix>-trees` under its key (the
 * snippet's git tree oid, else a sha256 of the files); a host fetches it the first time a
 * session needs it and keeps it on disk under EXEC_DIR/trees, the least recently used trees
 * evicted past EXEC_TREE_CACHE_MB.
 */
import { mkdirSync, readdirSync, statSync, unlinkSync, utimesSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ZInputFile, type TInputFile } from "@/lib/exec/protocol";

/** A tree key: a git tree oid (SHA-1 or SHA-256) or `sha256-` and the hash of the files. */
export const ZTreeKey = z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64}|sha256-[0-9a-f]{64})$/, "a tree key is a git tree oid or sha256-<hex>");

/** What a tree object holds: the files, as sent to `POST /sessions`. */
export const ZTreeObject = z.object({ files: z.array(ZInputFile).max(1000) });

export class TreeCache {
  readonly dir: string;
  /** Trees fetched from the bucket, and served from disk, since this host started. */
  readonly stats = { fetched: 0, cached: 0 };

  constructor(
    execDir: string,
    private readonly maxBytes: number,
    /** Reads a tree object from the bucket (null when the site never put it). */
    private readonly fetch: (key: string) => Promise<Uint8Array | null>,
  ) {
    this.dir = path.join(execDir, "trees");
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** The files of tree `key`: from disk when cached, else from the bucket (then cached). Null when the bucket has no such tree. */
  async files(key: string): Promise<TInputFile[] | null> {
    const file = path.join(this.dir, `${ZTreeKey.parse(key)}.json`);
    let data: Uint8Array | null = null;
    try {
      data = await readFile(file);
      const now = new Date();
      utimesSync(file, now, now); // recently used: evicted last
      this.stats.cached++;
    } catch {
      data = await this.fetch(key);
      if (data === null) return null;
      this.stats.fetched++;
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, data, { mode: 0o600 });
      await rename(tmp, file);
      this.evict();
    }
    return ZTreeObject.parse(JSON.parse(Buffer.from(data).toString("utf8"))).files;
  }

  /** Removes the least recently used trees while the cache is over its size. */
  private evict(): void {
    const entries = readdirSync(this.dir)
      .filter((n) => n.endsWith(".json"))
      .map((n) => {
        const p = path.join(this.dir, n);
        const s = statSync(p, { throwIfNoEntry: false });
        return s ? { p, size: s.size, used: s.mtimeMs } : null;
      })
      .filter((e): e is { p: string; size: number; used: number } => e !== null)
      .sort((a, b) => a.used - b.used);
    let total = entries.reduce((n, e) => n + e.size, 0);
    // The newest (just written) stays even when it alone is over the limit: a session needs it now.
    for (const e of entries.slice(0, -1)) {
      if (total <= this.maxBytes) break;
      try {
        unlinkSync(e.p);
        total -= e.size;
      } catch {
        // gone already
      }
    }
  }
}
