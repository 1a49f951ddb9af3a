import { NextResponse } from "next/server";
import { deleteSharedValue } from "@/lib/shared/delete-shared-value";
import { getSharedValue } from "@/lib/shared/get-shared-value";
import { spendWrite } from "../../../../../_lib/limits";
import { api } from "../../../../../_lib/respond";

type TParams = { owner: string; slug: string; key: string };

/** One shared value in full (`value` is its JSON; an array is its `__ndarray__` envelope); owner only. */
export const GET = api<TParams>(async (_request, { params, actor }) => {
  return NextResponse.json(await getSharedValue({ actor, owner: params.owner, slug: params.slug, key: params.key }), {
    headers: { "Cache-Control": "private, no-store" },
  });
});

/** Deletes one shared value; owner only. */
export const DELETE = api<TParams>(async (_request, { params, actor }) => {
  await spendWrite(actor);
  await deleteSharedValue({ actor, owner: params.owner, slug: params.slug, key: params.key });
  return new Response(null, { status: 204 });
});
