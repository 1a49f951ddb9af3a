import "server-only";
import { getDb } from "@/lib/db/client";
import { compareHistories, listRevisions } from "@/lib/repos";
import { findSnippetOrThrow, repoDir } from "./internal";
import { toRevision, type TRevision } from "./list-revisions";

/** Snippets of a network listed per page of the tree. */
export const NETWORK_PAGE_SIZE = 50;
/** A network is read whole to draw its tree; past this many snippets, the oldest are shown. */
const MAX_MEMBERS = 5_000;

/** One snippet of a fork network, in the tree's reading order (depth first, oldest fork first). */
export type TNetworkNode = {
  owner: string;
  slug: string;
  title: string;
  visibility: "public" | "unlisted";
  /** 0 for the root of the network; a fork is one deeper than the snippet it came from. */
  depth: number;
  /** What it was forked from: a shown snippet, a deleted one (name kept), or nothing. */
  parent: { owner: string; slug: string; deleted: boolean } | null;
  /** The snippet whose network page this is. */
  current: boolean;
  /** Its latest revision, read from its repository; null when that cannot be read right now. */
  latest: TRevision | null;
  /** Revisions it has that the current snippet has not, and the other way round (null: unreadable). */
  ahead: number | null;
  behind: number | null;
};

export type TForkNetworkPage = {
  nodes: TNetworkNode[];
  /** Snippets shown in the whole tree (all pages). */
  total: number;
  /** How many of them are forks (all but the root, or all when the root was deleted). */
  forkCount: number;
  page: number;
  pageCount: number;
  /** The page that holds the current snippet. */
  currentPage: number;
};

type TMember = {
  id: string;
  slug: string;
  title: string;
  visibility: "PUBLIC" | "UNLISTED";
  repoPath: string;
  forkedFromId: string | null;
  forkedFromName: string | null;
  owner: { username: string };
};

/**
 * The whole fork network of `owner/slug` as a tree, one page of it at a time (default: the page
 * holding the snippet itself), each shown snippet with its latest revision and how many
 * revisions it is ahead of and behind `owner/slug`, computed from the git histories (forks
 * share their common commits, so the counts are set differences of commit ids; see
 * compareHistories). Unlisted snippets are left out unless they are the snippet itself or on
 * its path to the root (whoever has its URL may see where it came from); the forks of a
 * hidden one hang under its nearest shown ancestor.
 */
export async function listForkNetwork(options: { owner: string; slug: string; page?: number }): Promise<TForkNetworkPage> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const members: TMember[] = await getDb().snippet.findMany({
    where: { networkId: row.networkId ?? row.id },
    select: {
      id: true,
      slug: true,
      title: true,
      visibility: true,
      repoPath: true,
      forkedFromId: true,
      forkedFromName: true,
      owner: { select: { username: true } },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: MAX_MEMBERS,
  });
  if (!members.some((m) => m.id === row.id)) members.push({ ...row, owner: { username: row.owner.username } });
  const byId = new Map(members.map((m) => [m.id, m]));

  const onPath = new Set<string>();
  for (let m: TMember | undefined = row; m && !onPath.has(m.id); m = m.forkedFromId ? byId.get(m.forkedFromId) : undefined) onPath.add(m.id);
  const shown = (m: TMember) => m.visibility === "PUBLIC" || onPath.has(m.id);

  // Nearest shown ancestor of each shown snippet (null: a root of the tree).
  const shownParent = (m: TMember): TMember | null => {
    const seen = new Set<string>([m.id]);
    for (let p = m.forkedFromId ? byId.get(m.forkedFromId) : undefined; p && !seen.has(p.id); p = p.forkedFromId ? byId.get(p.forkedFromId) : undefined) {
      if (shown(p)) return p;
      seen.add(p.id);
    }
    return null;
  };
  const children = new Map<string | null, TMember[]>();
  for (const m of members) {
    if (!shown(m)) continue;
    const key = shownParent(m)?.id ?? null;
    children.set(key, [...(children.get(key) ?? []), m]);
  }

  const order: { member: TMember; depth: number; parent: TNetworkNode["parent"] }[] = [];
  const visit = (m: TMember, depth: number, parent: TMember | null) => {
    const deletedParent = !parent && !m.forkedFromId && m.forkedFromName;
    order.push({
      member: m,
      depth,
      parent: parent
        ? { owner: parent.owner.username, slug: parent.slug, deleted: false }
        : deletedParent
          ? { owner: m.forkedFromName?.split("/")[0] ?? "", slug: m.forkedFromName?.split("/")[1] ?? "", deleted: true }
          : null,
    });
    for (const c of children.get(m.id) ?? []) visit(c, depth + 1, m);
  };
  for (const r of children.get(null) ?? []) visit(r, 0, null);

  const pageCount = Math.max(1, Math.ceil(order.length / NETWORK_PAGE_SIZE));
  const currentPage =
    Math.floor(
      Math.max(
        0,
        order.findIndex((o) => o.member.id === row.id),
      ) / NETWORK_PAGE_SIZE,
    ) + 1;
  const page = Math.min(Math.max(1, options.page ?? currentPage), pageCount);
  const slice = order.slice((page - 1) * NETWORK_PAGE_SIZE, page * NETWORK_PAGE_SIZE);
  const baseDir = repoDir(row.repoPath);

  const nodes = await Promise.all(
    slice.map(async ({ member: m, depth, parent }): Promise<TNetworkNode> => {
      const dir = repoDir(m.repoPath);
      // A repository being deleted (or a fork in the middle of being made) has no history to show.
      const [latest, comparison] = await Promise.all([
        listRevisions({ dir, limit: 1 }).then(
          (r) => (r[0] ? toRevision(r[0]) : null),
          () => null,
        ),
        compareHistories({ baseDir, otherDir: dir }).catch(() => null),
      ]);
      return {
        owner: m.owner.username,
        slug: m.slug,
        title: m.title,
        visibility: m.visibility === "PUBLIC" ? "public" : "unlisted",
        depth,
        parent,
        current: m.id === row.id,
        latest,
        ahead: comparison ? comparison.ahead.length : null,
        behind: comparison ? comparison.behind.length : null,
      };
    }),
  );
  const forkCount = order.filter((o) => o.member.forkedFromId !== null || o.member.forkedFromName !== null).length;
  return { nodes, total: order.length, forkCount, page, pageCount, currentPage };
}
