/**
 * Thumbnails and run counts against the real execution service (bubblewrap, Python): the owner's
 * run of a plotting snippet gives its revision a thumbnail, another reader's run does not but is
 * counted; publishing code that draws gets a thumbnail from the site's own run, code that does not
 * visibly draw is not run at all. Skipped, with a warning, where the service cannot run (as runs.test.ts is).
 */
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { toNbOutput } from "@/lib/exec/protocol";
import { execClient } from "@/lib/exec/client";
import { startRun } from "@/lib/runs/start-run";
import { closeRun } from "@/lib/runs/close-run";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { fillMissingThumbnails } from "@/lib/snippets/fill-missing-thumbnails";
import { getThumbnail } from "@/lib/snippets/get-thumbnail";
import type { TActor } from "@/lib/snippets/schema";
import { imageFromBundle } from "@/lib/snippets/thumbnail-image";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";
import { useExecService } from "@/test/support/exec-service";

closeDbAfterAll();

const why = useExecService("thumbnails.test.ts");

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

/** Whether session `session` shows an image (read from its event stream) within 30 s. */
async function showsImage(session: string): Promise<boolean> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 30_000);
  try {
    for await (const { message } of execClient().events({ session, signal: abort.signal })) {
      const output = toNbOutput(message);
      if (output && "data" in output && imageFromBundle(output.data)) return true;
    }
  } catch (e) {
    if (!abort.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return false;
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
    const theirs = await startRun({ actor: reader, address: null, owner: s.owner, slug: s.slug });
    expect((await eventually(row, (r) => r.runCount === 1)).runCount).toBe(1);
    // Only once the reader's run has drawn does "no thumbnail" say anything; the wait after it
    // gives a wrongly attached watcher time to save what it saw.
    expect(await showsImage(theirs.session)).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await row()).thumbnailRev).toBeNull();
    await closeRun({ session: theirs.session });

    // The owner's run: a PNG thumbnail of this revision; not counted.
    const mine = await startRun({ actor: owner, address: null, owner: s.owner, slug: s.slug });
    const after = await eventually(row, (r) => r.thumbnailRev !== null);
    expect(after).toMatchObject({ thumbnailRev: s.head, runCount: 1 });
    const thumb = await getThumbnail({ owner: s.owner, slug: s.slug });
    expect(thumb.mime).toBe("image/png");
    expect(Buffer.from(thumb.bytes).subarray(1, 4).toString()).toBe("PNG");
    await closeRun({ session: mine.session });
  });

  it("publishing code that draws gets a thumbnail without anyone pressing Run; code that does not visibly draw is not run", async () => {
    const owner = await newUser("owner");
    // Published first: publication runs go one at a time, in order, so once the second snippet
    // has its thumbnail, a run of this one (which draws when run) would have saved one too.
    const hidden = await createSnippet({ actor: owner, title: "Published hidden plot", files: [{ path: "main.py", content: HIDDEN_PLOT }] });
    const plot = await createSnippet({
      actor: owner,
      title: "Published plot",
      files: [{ path: "main.py", content: "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [3, 1, 2])\nplt.show()\n" }],
    });
    const row = await eventually(
      () => getDb().snippet.findUniqueOrThrow({ where: { id: plot.id } }),
      (r) => r.thumbnailRev !== null,
    );
    expect(row.thumbnailRev).toBe(plot.head);
    expect(await getDb().thumbnail.count({ where: { snippetId: hidden.id } })).toBe(0);
    expect((await getDb().snippet.findUniqueOrThrow({ where: { id: hidden.id } })).thumbnailRev).toBeNull();
  });

  it("code that could draw but ran to its end without a picture is not run again by the start-up sweep", async () => {
    const owner = await newUser("owner");
    const s = await createSnippet({
      actor: owner,
      title: "Imports pyplot, draws nothing",
      files: [{ path: "main.py", content: "import matplotlib.pyplot as plt\nprint('no figure today')\n" }],
    });
    // The publication run (it may draw: pyplot is imported) ran and found no image.
    const row = await eventually(
      () => getDb().snippet.findUniqueOrThrow({ where: { id: s.id } }),
      (r) => r.thumbnailTriedRev !== null,
    );
    expect(row).toMatchObject({ thumbnailRev: null, thumbnailTriedRev: s.head });
    // A sweep (as at every start of the site) passes over it instead of running it again.
    const sweep = await fillMissingThumbnails({ owner: owner.username });
    expect(sweep).toEqual({ missing: 0, made: 0 });
  });
});
