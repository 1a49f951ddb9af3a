import { NextResponse } from "next/server";
import { z } from "zod";
import { forkSnippet } from "@/lib/snippets/fork-snippet";
import { getForkNetwork } from "@/lib/snippets/get-fork-network";
import { ZSlug } from "@/lib/snippets/schema";
import { spendWrite } from "../../../../_lib/limits";
import { api, readJson } from "../../../../_lib/respond";
import { createdJson } from "../../../../_lib/snippet-json";

type TParams = { owner: string; slug: string };

const ZForkBody = z.strictObject({ slug: ZSlug.optional(), license: z.string().optional() });

/** The fork network: the chain of ancestors and the tree of public descendants. */
export const GET = api<TParams>(async (_request, { params }) => {
  return NextResponse.json(await getForkNetwork({ owner: params.owner, slug: params.slug }));
});

/** Forks the snippet into the actor's account, under `slug` or a free name like the source's. */
export const POST = api<TParams>(async (request, { params, actor }) => {
  await spendWrite(actor);
  // An empty body is allowed: forking needs no input.
  const empty = request.body === null || request.headers.get("content-length") === "0";
  const body = empty ? {} : await readJson(request, ZForkBody);
  const created = await forkSnippet({
    actor,
    owner: params.owner,
    slug: params.slug,
    ...(body.slug ? { newSlug: body.slug } : {}),
    ...(body.license ? { license: body.license } : {}),
  });
  return NextResponse.json(createdJson(request, created), { status: 201 });
});
