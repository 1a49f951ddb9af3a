import { NextResponse } from "next/server";
import { z } from "zod";
import { previewComment } from "@/lib/comments/preview-comment";
import { MAX_COMMENT_REQUEST_BYTES } from "../_lib/limits";
import { api, readJson } from "../_lib/respond";

const ZPreviewBody = z.strictObject({
  text: z.string({ error: "text is required: the Markdown to render." }),
});

/** A comment's Markdown rendered as a posted comment shows it (the comment form's Preview); nothing is stored. */
export const POST = api(async (request, { actor }) => {
  const { text } = await readJson(request, ZPreviewBody, MAX_COMMENT_REQUEST_BYTES);
  return NextResponse.json(await previewComment({ actor, text }));
});
