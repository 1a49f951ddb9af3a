import { NextResponse } from "next/server";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { deleteStaticRun } from "@/lib/interacts/delete-static-run";
import { getStaticRun } from "@/lib/interacts/get-static-run";
import { precomputeInteracts } from "@/lib/interacts/precompute-interacts";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { spendWrite } from "../../../../_lib/limits";
import { api, readJson } from "../../../../_lib/respond";

type TParams = { owner: string; slug: string };

const ZPrecomputeBody = z.strictObject({ rev: z.string().max(64).optional() });

/** The full oid of the revision asked for (`?rev=`, any form git resolves), else of the latest. */
async function revOf(request: Request, params: TParams): Promise<string> {
  const asked = new URL(request.url).searchParams.get("rev") ?? undefined;
  return (await getSnippet({ owner: params.owner, slug: params.slug, rev: asked })).rev;
}

/** The precomputed interacts of a revision (`?rev=`, default the latest): which, and how many frames. */
export const GET = api<TParams>(async (request, { params }) => {
  const run = await getStaticRun({ owner: params.owner, slug: params.slug, rev: await revOf(request, params) });
  if (!run) throw new AppError("NOT_FOUND", "This revision's interacts are not precomputed.");
  return NextResponse.json({ rev: run.rev, interacts: run.interacts, created_at: run.createdAt.toISOString() });
});

/** Precomputes (the owner's) the interacts of a revision (`rev`, default the latest); answers when done. */
export const POST = api<TParams>(async (request, { params, actor }) => {
  await spendWrite(actor);
  const body = await readJson(request, ZPrecomputeBody, 4096);
  const done = await precomputeInteracts({ actor, owner: params.owner, slug: params.slug, rev: body.rev });
  return NextResponse.json(done, { status: 201 });
});

/** Removes (the owner's) a revision's precomputed interacts (`?rev=`, default the latest). */
export const DELETE = api<TParams>(async (request, { params, actor }) => {
  const { deleted } = await deleteStaticRun({ actor, owner: params.owner, slug: params.slug, rev: await revOf(request, params) });
  if (!deleted) throw new AppError("NOT_FOUND", "This revision's interacts are not precomputed.");
  return new NextResponse(null, { status: 204 });
});
