import { NextResponse } from "next/server";
import { z } from "zod";
import { suggestSearch } from "@/lib/search/suggest-search";
import { api } from "../../_lib/respond";
import { parseQuery } from "../../_lib/query";

const ZSuggestQuery = z.object({ q: z.string().max(100, "q must be at most 100 characters.").default("") });

/** What the search box offers while typing `q`: up to 6 snippets (by title) and 4 tags. */
export const GET = api(async (request) => {
  const { q } = parseQuery(request, ZSuggestQuery);
  const suggestions = await suggestSearch({ q });
  return NextResponse.json(suggestions, { headers: { "Cache-Control": "private, max-age=30" } });
});
