import { NextResponse } from "next/server";
import { z } from "zod";
import { cachedTagCounts } from "@/lib/tags/cached-tag-counts";
import { suggestTags } from "@/lib/tags/suggest-tags";
import { tagHref } from "@/lib/tags/tag-path";
import { api } from "../_lib/respond";
import { parseQuery } from "../_lib/query";
import { absoluteUrl } from "../_lib/urls";

const ZPage = z.coerce
  .number({ error: "page must be a whole number from 1." })
  .int("page must be a whole number from 1.")
  .min(1, "page must be a whole number from 1.");

const ZTagsQuery = z.object({
  prefix: z.string().max(64, "prefix must be at most 64 characters.").optional(),
  limit: z.coerce
    .number({ error: "limit must be a whole number from 1 to 50." })
    .int("limit must be a whole number from 1 to 50.")
    .min(1, "limit must be a whole number from 1 to 50.")
    .max(50, "limit must be a whole number from 1 to 50.")
    .optional(),
  page: ZPage.optional(),
});

/** Tags starting with `prefix` (or with a part that does), most used first: the tag field's autocomplete. */
export const GET = api(async (request) => {
  const query = parseQuery(request, ZTagsQuery);
  const result = suggestTags(await cachedTagCounts(), { prefix: query.prefix ?? "", page: query.page ?? 1, perPage: query.limit ?? 10 });
  return NextResponse.json(
    {
      items: result.items.map((t) => ({ name: t.name, count: t.count, url: absoluteUrl(request, tagHref(t.name)) })),
      page: result.page,
      hasNext: result.hasNext,
    },
    // A browser may keep an answer half a minute: typing the same letters again costs nothing.
    { headers: { "Cache-Control": "public, max-age=30" } },
  );
});
