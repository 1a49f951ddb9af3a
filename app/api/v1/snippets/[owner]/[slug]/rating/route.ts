import { NextResponse } from "next/server";
import { z } from "zod";
import { getRating } from "@/lib/ratings/get-rating";
import { rateSnippet } from "@/lib/ratings/rate-snippet";
import { spendWrite } from "../../../../_lib/limits";
import { api, readJson } from "../../../../_lib/respond";

type TParams = { owner: string; slug: string };

const ZRateBody = z.strictObject({ stars: z.number({ error: "stars must be a whole number from 1 to 5." }) });

/** The average, the number of ratings, and the asking user's own stars (null when not rated or anonymous). */
export const GET = api<TParams>(async (_request, { params, actor }) => {
  return NextResponse.json(await getRating({ actor, owner: params.owner, slug: params.slug }), { headers: { "Cache-Control": "private, no-store" } });
});

/** Rates the snippet 1–5 stars, or changes the user's rating. */
export const PUT = api<TParams>(async (request, { params, actor }) => {
  await spendWrite(actor);
  const body = await readJson(request, ZRateBody, 1024);
  return NextResponse.json(await rateSnippet({ actor, owner: params.owner, slug: params.slug, stars: body.stars }));
});

/** Takes the user's rating back. */
export const DELETE = api<TParams>(async (_request, { params, actor }) => {
  await spendWrite(actor);
  return NextResponse.json(await rateSnippet({ actor, owner: params.owner, slug: params.slug, stars: null }));
});
