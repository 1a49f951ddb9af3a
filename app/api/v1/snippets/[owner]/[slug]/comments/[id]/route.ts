import { NextResponse } from "next/server";
import { z } from "zod";
import { deleteComment } from "@/lib/comments/delete-comment";
import { updateComment } from "@/lib/comments/update-comment";
import { MAX_COMMENT_REQUEST_BYTES, spendWrite } from "../../../../../_lib/limits";
import { api, readJson } from "../../../../../_lib/respond";
import { commentJson } from "../comment-json";

type TParams = { owner: string; slug: string; id: string };

const ZPatchBody = z.strictObject({
  body: z.string({ error: "body is required: the comment's new text." }),
});

/** New text for your own comment. */
export const PATCH = api<TParams>(async (request, { params, actor }) => {
  await spendWrite(actor);
  const body = await readJson(request, ZPatchBody, MAX_COMMENT_REQUEST_BYTES);
  const comment = await updateComment({ actor, owner: params.owner, slug: params.slug, id: params.id, body: body.body });
  return NextResponse.json(commentJson(request, params.owner.toLowerCase(), params.slug.toLowerCase(), comment));
});

/** Deletes your comment, or any comment on your snippet. */
export const DELETE = api<TParams>(async (_request, { params, actor }) => {
  await spendWrite(actor);
  await deleteComment({ actor, owner: params.owner, slug: params.slug, id: params.id });
  return new Response(null, { status: 204 });
});
