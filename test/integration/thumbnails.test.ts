/**
 * Thumbnails and run counts against the real execution service (bubblewrap, Python): the owner's
 * run of a plotting snippet gives its revision a thumbnail, another reader's run does not but is
 * counted; publishing code that draws gets a thumbnail from the site's own run, text-only code is
 * not run at all. Skipped, with a warning, where the service cannot run (as runs.test.ts is).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { execClient } from "@/lib/runs/service";
import { startRun } from "@/lib/runs/start-run";
import { closeRun } from "@/lib/runs/close-run";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { getThumbnail } from "@/lib/snippets/get-thumbnail";
import type { TActor } from "@/lib/snippets/schema";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

const SERVICE_ENTRY = ["lib/exec/service/main.ts", "lib/exec/service/index.ts", "lib/exec/service/server.ts"].find((p) => existsSync(p));
const why = !existsSync("/usr/bin/bwrap") ? "bubblewrap (/usr/bin/bwrap) is not installed" : !SERVICE_ENTRY ? "lib/exec/service has no entry point" : null;
if (why) console.warn(`thumbnails.test.ts: skipped: ${why}`);

let service: ChildProcess | undefined;
let execDir: string | undefined;

beforeAll(async () => {
  if (why || !SERVICE_ENTRY) return;
  const port = await freePort();
  execDir = mkdtempSync(path.join(tmpdir(), "cellar-exec-"));
  process.env.EXEC_URL = `http://127.0.0.1:${port}`;
  service = spawn("npx", ["--no-install", "tsx", "--conditions=react-server", SERVICE_ENTRY], {
    env: { ...process.env, EXEC_URL: process.env.EXEC_URL, EXEC_DIR: execDir, EXEC_POOL_SIZE: "1" },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const until = Date.now() + 60_000;
  while (!(await fetch(`${process.env.EXEC_URL}/health`).then((r) => r.ok, () => false))) {
    if (Date.now() > until) throw new Error("the execution service did not start within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
}, 90_000);

afterAll(async () => {
  if (service?.pid) {
    process.kill(-service.pid, "SIGTERM");
    await new Promise((r) => service?.once("exit", r));
  }
  if (execDir) rmSync(execDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function newUser(prefix: string): Promise<TActor> {
  const u = await createUser({ username: uniqueName(prefix), password: "correct horse battery" });
  return { id: u.id, username: u.username };
}

/** Waits for a row condition written in the background (a thumbnail, a counter). */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

// The plot is built so the publication run skips it (it only runs code that visibly draws):
// a thumbnail here can only come from a run.
const HIDDEN_PLOT = ['m = __import__("matpl" + "otlib.pyp" + "lot", fromlist=["x"])', 'getattr(m, "pl" + "ot")([1, 3, 2])', 'print("ok")', ""].join("\n");

describe.skipIf(why !== null)("thumbnails from runs", () => {
  it("the owner's run makes the revision's thumbnail; a reader's run is counted instead", async () => {
    const owner = await newUser("owner");
    const reader = await newUser("reader");
    const s = await createSnippet({ actor: owner, title: "Hidden plot", files: [{ path: "main.py", content: HIDDEN_PLOT }] });
    const row = () => getDb().snippet.findUniqueOrThrow({ where: { id: s.id } });

    // A reader's run: counted once, no thumbnail.
    const theirs = await startRun({ actor: reader, address: null, owner: s.owner, slug: s.slug, client: execClient() });
    expect((await eventually(row, (r) => r.runCount === 1)).runCount).toBe(1);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await row()).thumbnailRev).toBeNull();
    await closeRun({ session: theirs.session, client: execClient() });

    // The owner's run: a PNG thumbnail of this revision; not counted.
    const mine = await startRun({ actor: owner, address: null, owner: s.owner, slug: s.slug, client: execClient() });
    const after = await eventually(row, (r) => r.thumbnailRev !== null);
    expect(after).toMatchObject({ thumbnailRev: s.head, runCount: 1 });
    const thumb = await getThumbnail({ owner: s.owner, slug: s.slug });
    expect(thumb.mime).toBe("image/png");
    expect(Buffer.from(thumb.bytes).subarray(1, 4).toString()).toBe("PNG");
    await closeRun({ session: mine.session, client: execClient() });
  });

  it("publishing code that draws gets a thumbnail without anyone pressing Run; text-only code is not run", async () => {
    const owner = await newUser("owner");
    const plot = await createSnippet({
      actor: owner,
      title: "Published plot",
      files: [{ path: "main.py", content: "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [3, 1, 2])\nplt.show()\n" }],
    });
    const text = await createSnippet({ actor: owner, title: "Published text", files: [{ path: "main.py", content: "print('no picture')\n" }] });
    const row = await eventually(
      () => getDb().snippet.findUniqueOrThrow({ where: { id: plot.id } }),
      (r) => r.thumbnailRev !== null,
    );
    expect(row.thumbnailRev).toBe(plot.head);
    expect(await getDb().thumbnail.count({ where: { snippetId: text.id } })).toBe(0);
  });
});
