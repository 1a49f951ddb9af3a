import { NextResponse } from "next/server";
import { z } from "zod";
import { clearSharedValues } from "@/lib/shared/clear-shared-values";
import { listSharedValues } from "@/lib/shared/list-shared-values";
import { updateSharedSettings } from "@/lib/shared/update-shared-settings";
import { spendWrite } from "../../../../_lib/limits";
import { api, readJson } from "../../../../_lib/respond";

type TParams = { owner: string; slug: string };

const ZSettingsBody = z.strictObject({ anonymousWrites: z.boolean({ error: "anonymousWrites must be true or false." }) });
const PRIVATE = { "Cache-Control": "private, no-store" };

/** The snippet's shared values (key, kind, size, revision, time, writer, preview) and settings; owner only. */
export const GET = api<TParams>(async (_request, { params, actor }) => {
  return NextResponse.json(await listSharedValues({ actor, owner: params.owner, slug: params.slug }), { headers: PRIVATE });
});

/** `{"anonymousWrites": true|false}`: whether readers who are not signed in may write shared values; owner only. */
export const PATCH = api<TParams>(async (request, { params, actor }) => {
  await spendWrite(actor);
  const body = await readJson(request, ZSettingsBody, 1024);
  return NextResponse.json(await updateSharedSettings({ actor, owner: params.owner, slug: params.slug, anonymousWrites: body.anonymousWrites }));
});

/** Clears every shared value of the snippet; owner only. */
export const DELETE = api<TParams>(async (_request, { params, actor }) => {
  await spendWrite(actor);
  return NextResponse.json(await clearSharedValues({ actor, owner: params.owner, slug: params.slug }));
});
