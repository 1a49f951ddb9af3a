import { NextResponse } from "next/server";
import { z } from "zod";
import { execClient } from "@/lib/runs/service";
import { startRun } from "@/lib/runs/start-run";
import { ZKernelName } from "@/lib/snippets/kernel";
import { readJson } from "../_lib/respond";
import { runApi } from "./_lib/run-api";

const ZStartBody = z.strictObject({
  owner: z.string().min(1, "owner is required."),
  slug: z.string().min(1, "slug is required."),
  rev: z.string().min(1, "rev must be HEAD or a revision id.").optional(),
  kernel: ZKernelName.optional(),
});

/**
 * Starts a run of a snippet (the Run button): a session with the snippet's files at `rev`, its
 * main file already executing, in `kernel` (default the snippet's). Follow it at `events`.
 * Anonymous runs are allowed.
 */
export const POST = runApi(async (request, { runner }) => {
  const body = await readJson(request, ZStartBody, 4096);
  const run = await startRun({ ...runner, owner: body.owner, slug: body.slug, rev: body.rev, kernel: body.kernel, client: execClient() });
  return NextResponse.json({ ...run, events: `/api/v1/runs/${run.session}/events` }, { status: 201 });
});
