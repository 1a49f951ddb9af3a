import "server-only";
import { getDb } from "@/lib/db/client";
import { findSnippetOrThrow, toSnippetSummary } from "./internal";

export type TForkNode = {
  owner: string;
  slug: string;
  title: string;
  visibility: "public" | "unlisted";
  /** Date of the latest revision. */
  updatedAt: Date;
  forks: TForkNode[];
};

export type TForkNetwork = {
  /** From the root of the network down to the snippet's parent. */
  ancestors: { owner: string; slug: string; title: string; updatedAt: Date; deleted: boolean }[];
  /** The snippet itself, with all its descendants as a tree. */
  tree: TForkNode;
};

const MAX_DEPTH = 50;

/**
 * The fork network around a snippet: its parent chain and every descendant, each with the
 * date of its latest revision. Unlisted forks are shown only when they are on the path to
 * the snippet itself (whoever has its URL can see where it came from).
 */
export async function getForkNetwork(options: { owner: string; slug: string }): Promise<TForkNetwork> {
  const db = getDb();
  const row = await findSnippetOrThrow(options.owner, options.slug);

  const ancestors: TForkNetwork["ancestors"] = [];
  let parentId = row.forkedFromId;
  let lostName = row.forkedFromId ? null : row.forkedFromName;
  for (let depth = 0; depth < MAX_DEPTH && (parentId || lostName); depth++) {
    if (!parentId) {
      const [owner = "", slug = ""] = (lostName ?? "").split("/");
      ancestors.unshift({ owner, slug, title: lostName ?? "", updatedAt: new Date(0), deleted: true });
      break;
    }
    const parent = await db.snippet.findUnique({
      where: { id: parentId },
      select: { slug: true, title: true, updatedAt: true, forkedFromId: true, forkedFromName: true, owner: { select: { username: true } } },
    });
    if (!parent) break;
    ancestors.unshift({ owner: parent.owner.username, slug: parent.slug, title: parent.title, updatedAt: parent.updatedAt, deleted: false });
    parentId = parent.forkedFromId;
    lostName = parent.forkedFromId ? null : parent.forkedFromName;
  }

  // Descendants level by level: one query per generation, not per fork.
  const summary = toSnippetSummary(row);
  const root: TForkNode = {
    owner: summary.owner,
    slug: summary.slug,
    title: summary.title,
    visibility: summary.visibility,
    updatedAt: summary.updatedAt,
    forks: [],
  };
  let level = new Map<string, TForkNode>([[row.id, root]]);
  for (let depth = 0; depth < MAX_DEPTH && level.size > 0; depth++) {
    const children = await db.snippet.findMany({
      where: { forkedFromId: { in: [...level.keys()] }, visibility: "PUBLIC" },
      select: { id: true, slug: true, title: true, updatedAt: true, forkedFromId: true, owner: { select: { username: true } } },
      orderBy: { createdAt: "asc" },
    });
    const next = new Map<string, TForkNode>();
    for (const c of children) {
      const node: TForkNode = { owner: c.owner.username, slug: c.slug, title: c.title, visibility: "public", updatedAt: c.updatedAt, forks: [] };
      level.get(c.forkedFromId ?? "")?.forks.push(node);
      next.set(c.id, node);
    }
    level = next;
  }
  return { ancestors, tree: root };
}
