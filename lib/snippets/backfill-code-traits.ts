import "server-only";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { codeTraitsOf } from "./code-traits";
import { readRevision } from "./internal";

/** Snippet rows read per round. */
const CHUNK = 200;

/**
 * Sets every snippet's language and hasInteracts from the files at its head. Writes keep them
 * current (see codeTraitsOf); rows made before the columns existed hold the defaults until
 * their next edit, and this mends them. Only rows whose traits differ are written, so running
 * it again is cheap. Returns how many rows it changed.
 */
export async function backfillCodeTraits(): Promise<number> {
  let changed = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await getDb().snippet.findMany({
      where: after ? { id: { gt: after } } : {},
      select: { id: true, repoPath: true, mainFile: true, kernel: true, language: true, hasInteracts: true },
      orderBy: { id: "asc" },
      take: CHUNK,
    });
    if (rows.length === 0) return changed;
    after = rows[rows.length - 1]!.id;
    for (const row of rows) {
      const revision = await readRevision(row.repoPath, undefined).catch((e: unknown) => {
        if (isAppError(e) && e.code === "NOT_FOUND") return null; // deleted meanwhile
        throw e;
      });
      if (!revision) continue;
      const traits = codeTraitsOf(revision.files, row.mainFile, row.kernel);
      if (traits.language === row.language && traits.hasInteracts === row.hasInteracts) continue;
      // updateMany: a snippet deleted since it was read is skipped, not an error.
      changed += (await getDb().snippet.updateMany({ where: { id: row.id }, data: traits })).count;
    }
  }
}
