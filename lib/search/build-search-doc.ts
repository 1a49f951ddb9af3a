import "server-only";
import path from "node:path";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isBinary, readFiles } from "@/lib/repos";
import type { TSearchDoc } from "./types";

const decoder = new TextDecoder("utf-8");

const docSelect = {
  id: true,
  slug: true,
  title: true,
  description: true,
  visibility: true,
  repoPath: true,
  head: true,
  updatedAt: true,
  owner: { select: { username: true, displayName: true } },
  tags: { select: { tag: { select: { name: true } } } },
} as const;

type TDocRow = Awaited<ReturnType<typeof findRows>>[number];

function findRows(where: { id: string } | { id: { in: string[] } }) {
  return getDb().snippet.findMany({ where, select: docSelect });
}

/**
 * What the index should hold for each snippet id: a document for a public snippet (row plus
 * the files at its head, read from git), null for an unlisted or deleted one (it must not be
 * found). Unreadable repositories are logged and indexed without files rather than dropped.
 */
export async function buildSearchDocs(ids: string[]): Promise<Map<string, TSearchDoc | null>> {
  const rows = ids.length === 1 ? await findRows({ id: ids[0]! }) : await findRows({ id: { in: ids } });
  const out = new Map<string, TSearchDoc | null>(ids.map((id) => [id, null]));
  for (const row of rows) {
    if (row.visibility !== "PUBLIC") continue;
    out.set(row.id, await docOf(row));
  }
  return out;
}

async function docOf(row: TDocRow): Promise<TSearchDoc> {
  let files: TSearchDoc["files"] = [];
  try {
    const read = await readFiles({ dir: path.join(getEnv().reposDir, row.repoPath), rev: row.head });
    files = read.map((f) => ({ path: f.path, text: isBinary(f.content) ? "" : decoder.decode(f.content) }));
  } catch (e) {
    console.error(`Search: could not read the files of snippet ${row.id} (${row.repoPath}); indexed without them`, e);
  }
  return {
    id: row.id,
    owner: row.owner.username,
    ownerName: row.owner.displayName ?? row.owner.username,
    slug: row.slug,
    title: row.title,
    blurb: row.description,
    tags: row.tags.map((t) => t.tag.name).sort(),
    files,
    updatedAt: row.updatedAt,
  };
}
