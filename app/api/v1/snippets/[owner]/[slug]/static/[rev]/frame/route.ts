import { NextResponse } from "next/server";
import { AppError } from "@/lib/errors";
import { getStaticFrame } from "@/lib/interacts/get-static-frame";
import { api } from "../../../../../../_lib/respond";

type TParams = { owner: string; slug: string; rev: string };

/**
 * One precomputed combination: `?interact=<id>&key=<grid key>` (lib/interacts/static-grid.ts).
 * A revision's frames only change when its owner precomputes it again: cached for a day.
 */
export const GET = api<TParams>(async (request, { params }) => {
  const query = new URL(request.url).searchParams;
  const interact = query.get("interact");
  const key = query.get("key");
  if (!interact || key === null) throw new AppError("BAD_REQUEST", "Give interact (its id) and key (the controls' grid key).");
  const frame = await getStaticFrame({ owner: params.owner, slug: params.slug, rev: params.rev, interact, key });
  return NextResponse.json(frame, { headers: { "Cache-Control": "public, max-age=86400" } });
});
