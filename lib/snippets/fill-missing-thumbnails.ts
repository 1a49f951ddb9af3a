import "server-only";
import { getDb } from "@/lib/db/client";
import { execClient, type TExecClient } from "@/lib/exec/client";
import { thumbnailAtPublication } from "./capture-thumbnail";
import { effectiveKernel } from "./kernel";
import { readRevision } from "./internal";
import { mainFileOf } from "./main-file";

/** Snippets looked at by one sweep at most (newest first), so a start-up never queues without end. */
export const SWEEP_LIMIT = 200;

export type TSweepResult = {
  /** Snippets whose latest revision had no thumbnail. */
  missing: number;
  /** Of those, how many got one now. */
  made: number;
  /** Set when the sweep stopped early: the execution service did not answer. */
  unavailable?: string;
};

/**
 * Makes the thumbnails that publication could not: every snippet whose latest revision has none
 * has its main file run once, as at publication (capture-thumbnail.ts: only code that could draw
 * is run, one run at a time, through the same queue). This is how a freshly seeded site gets its
 * pictures (`npm run serve` seeds before the execution service is up), and how revisions published
 * while the service was down, overloaded, or lacked a kernel get theirs later. The web server
 * runs it once at start-up (scripts/web-server.ts); `bin/cellar thumbnails` runs it by hand.
 *
 * Code that could draw but ran to its end without an image is not run again until its next
 * revision (`thumbnailTriedRev`); code cut short (time limit, error) is tried by the next sweep. Snippets whose kernel the service does not offer (Sage on a
 * server without it) are passed over without a run. Never rejects.
 */
export async function fillMissingThumbnails(
  options: { client?: TExecClient; owner?: string; limit?: number; log?: (line: string) => void } = {},
): Promise<TSweepResult> {
  const client = options.client ?? execClient();
  const log = options.log ?? (() => {});
  let kernels: string[];
  try {
    const health = await client.health();
    kernels = health.flatMap((h) => h.kernels ?? ["python"]);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    log(`Thumbnails: not made, the execution service does not answer (${why})`);
    return { missing: 0, made: 0, unavailable: why };
  }
  const db = getDb();
  // A revision with a thumbnail is the snippet's thumbnailRev (save-thumbnail.ts), so "none for
  // the head" is "thumbnailRev is not the head".
  const rows = await db.snippet.findMany({
    where: {
      AND: [
        { OR: [{ thumbnailRev: null }, { NOT: { thumbnailRev: { equals: db.snippet.fields.head } } }] },
        // Ran before and drew nothing (capture-thumbnail.ts): not again until a new revision.
        { OR: [{ thumbnailTriedRev: null }, { NOT: { thumbnailTriedRev: { equals: db.snippet.fields.head } } }] },
      ],
      ...(options.owner ? { owner: { username: options.owner.toLowerCase() } } : {}),
    },
    select: { id: true, repoPath: true, head: true, mainFile: true, kernel: true },
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
    take: options.limit ?? SWEEP_LIMIT,
  });
  let made = 0;
  for (const row of rows) {
    try {
      const { files } = await readRevision(row.repoPath, row.head);
      const main = mainFileOf(
        files.map((f) => f.path),
        row.mainFile,
      );
      if (!kernels.includes(effectiveKernel(row.kernel, main))) continue;
      // Awaited one by one: the queue holds a few jobs only, and a sweep must not crowd out new publications.
      const outcome = await thumbnailAtPublication({ client, snippetId: row.id, rev: row.head, files, mainFile: row.mainFile, kernel: row.kernel });
      if (outcome !== "done") continue;
      const after = await db.snippet.findUnique({ where: { id: row.id }, select: { thumbnailRev: true } });
      if (after?.thumbnailRev === row.head) made++;
    } catch (e) {
      // A repository gone missing, a snippet deleted meanwhile: the next one still gets its turn.
      console.error(`Thumbnail sweep: snippet ${row.id} failed`, e);
    }
  }
  if (rows.length > 0) log(`Thumbnails: made ${made} of the ${rows.length} missing`);
  return { missing: rows.length, made };
}
