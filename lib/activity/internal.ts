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
  snippet: { select: { slug: true, title: true, owner: { select: { username: true } } } },
} as const;

type TActivityRow = {
  id: string;
  kind: TActivityKind;
  createdAt: Date;
  rev: string | null;
  summary: string;
  actor: { username: string; displayName: string | null };
  snippet: { slug: string; title: string; owner: { username: string } } | null;
};

/** Rows (queried with one extra, to know whether there is a next page) to a page of items. */
export function toActivityPage(rows: TActivityRow[], page: number, perPage: number): TActivityPage {
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
            summary: r.summary,
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
