import { NextResponse } from "next/server";
import { z } from "zod";
import { createComment } from "@/lib/comments/create-comment";
import { listComments } from "@/lib/comments/list-comments";
import { ZCommentsOn } from "@/lib/comments/schema";
import { MAX_COMMENT_REQUEST_BYTES } from "../../../../_lib/limits";
import { parseQuery } from "../../../../_lib/query";
import { api, readJson } from "../../../../_lib/respond";
import { commentJson } from "./comment-json";

type TParams = { owner: string; slug: string };

const ZListQuery = z.object({
  rev: z
    .string()
    .regex(/^[0-9a-fA-F]{7,40}$|^HEAD$/, "rev must be a revision id (7 to 40 hex characters) or HEAD.")
    .optional(),
  on: ZCommentsOn.optional(),
  page: z.coerce.number({ error: "page must be a number." }).int().min(1, "page must be 1 or more.").max(10_000).optional(),
});

const ZCreateBody = z.strictObject({
  body: z.string({ error: "body is required: the comment's text (Markdown, $math$ allowed)." }),
  rev: z.string().optional(),
  path: z.string().optional(),
  line: z.number({ error: "line must be a line number (1 for the first line)." }).optional(),
});

/** A page of comments placed on revision `rev` (default: the latest), oldest first. */
export const GET = api<TParams>(async (request, { params, actor }) => {
  const query = parseQuery(request, ZListQuery);
  const page = await listComments({ actor, owner: params.owner, slug: params.slug, ...query });
  const owner = params.owner.toLowerCase();
  const slug = params.slug.toLowerCase();
  return NextResponse.json({ items: page.items.map((c) => commentJson(request, owner, slug, c)), page: page.page, hasNext: page.hasNext, rev: page.rev });
});

/** A comment on the snippet, or on `line` of the file `path`, written on revision `rev` (default: the latest). */
export const POST = api<TParams>(async (request, { params, actor }) => {
  const body = await readJson(request, ZCreateBody, MAX_COMMENT_REQUEST_BYTES);
  const comment = await createComment({ actor, owner: params.owner, slug: params.slug, ...body });
  return NextResponse.json(commentJson(request, params.owner.toLowerCase(), params.slug.toLowerCase(), comment), { status: 201 });
});
