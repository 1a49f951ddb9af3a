import "server-only";
import type { TActivityKind } from "./record-activity";

/** One line of an activity list, as pages and the API show it. */
export type TActivityItem = {
  id: string;
  kind: TActivityKind;
  createdAt: Date;
  actor: { username: string; name: string };
  snippet: { owner: string; slug: string; title: string };
  rev: string | null;
  summary: string;
};

export type TActivityPage = { items: TActivityItem[]; page: number; hasNext: boolean };

export const activitySelect = {
  id: true,
  kind: true,
  createdAt: true,
  rev: true,
  summary: true,
  actor: { select: { username: true, displayName: true } },
  snippet: { select: { slug: true, title: true, owner: { select: { username: true } }, forkedFrom: { select: { id: true, visibility: true } } } },
} as const;

type TActivityRow = {
  id: string;
  kind: TActivityKind;
  createdAt: Date;
  rev: string | null;
  summary: string;
  actor: { username: string; displayName: string | null };
  snippet: { slug: string; title: string; owner: { username: string }; forkedFrom: { id: string; visibility: "PUBLIC" | "UNLISTED" } | null } | null;
};

/**
 * Rows (queried with one extra, to know whether there is a next page) to a page of items. A fork's
 * summary names its source: when that source is unlisted (its URL is the secret) the name is
 * left out ("forked a snippet"), unless `revealSourceOf` allows it: the source itself (its own
 * page), or every source (the reader's own activity).
 */
export function toActivityPage(rows: TActivityRow[], page: number, perPage: number, revealSourceOf: string | "all" | null = null): TActivityPage {
  const hidden = (r: TActivityRow) => {
    const source = r.snippet?.forkedFrom;
    return r.kind === "FORK" && !!source && source.visibility !== "PUBLIC" && revealSourceOf !== "all" && revealSourceOf !== source.id;
  };
  const items = rows.slice(0, perPage).flatMap((r): TActivityItem[] =>
    r.snippet
      ? [
          {
            id: r.id,
            kind: r.kind,
            createdAt: r.createdAt,
            actor: { username: r.actor.username, name: r.actor.displayName ?? r.actor.username },
            snippet: { owner: r.snippet.owner.username, slug: r.snippet.slug, title: r.snippet.title },
            rev: r.rev,
            summary: hidden(r) ? "" : r.summary,
          },
        ]
      : [],
  );
  return { items, page, hasNext: rows.length > perPage };
}

/** A page number from user input: a whole number ≥ 1, anything else is page 1. */
export function pageNumber(page: number | string | undefined): number {
  const n = typeof page === "number" ? page : Number.parseInt(page ?? "1", 10);
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}
