import type { License } from "@/lib/db/generated/enums";
import { averageOf } from "@/lib/ratings/rating-average";
import { LICENSES } from "./licenses";

type TCommunityRow = {
  owner: { username: string };
  slug: string;
  license: License;
  hasInteracts: boolean;
  language: string;
  viewCount: number;
  runCount: number;
  ratingCount: number;
  ratingSum: number;
  thumbnailRev: string | null;
  relatedTags: string[];
};

/**
 * The discovery fields of a snippet summary (cards, pages, the API): license, plain average
 * rating (lists sort by a Bayesian average instead; see lib/snippets/list-snippets.ts), counts,
 * and the thumbnail's address. The thumbnail URL carries its revision, so a new thumbnail is a
 * new URL and a cached card never shows a stale image for long.
 */
export function communityFieldsOf(row: TCommunityRow) {
  const info = LICENSES[row.license];
  return {
    license: { id: info.id, name: info.name, url: info.url, summary: info.summary },
    hasInteracts: row.hasInteracts,
    language: row.language,
    viewCount: row.viewCount,
    runCount: row.runCount,
    rating: { average: averageOf(row.ratingSum, row.ratingCount), count: row.ratingCount },
    thumbnailUrl: row.thumbnailRev ? `/${row.owner.username}/${row.slug}/thumbnail?rev=${row.thumbnailRev}` : null,
    relatedTags: row.relatedTags,
  };
}
