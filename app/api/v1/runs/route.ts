import { NextResponse } from "next/server";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { startCodeRun } from "@/lib/runs/start-code-run";
import { startRun } from "@/lib/runs/start-run";
import { ZKernelName } from "@/lib/snippets/kernel";
import { readJson } from "../_lib/respond";
import { runApi } from "./_lib/run-api";

const ZStartBody = z.strictObject({
  owner: z.string().min(1, "owner is required.").optional(),
  slug: z.string().min(1, "slug is required.").optional(),
  rev: z.string().min(1, "rev must be HEAD or a revision id.").optional(),
  kernel: ZKernelName.optional(),
  code: z.string().optional(),
});

/** A cell's code (100,000 characters, JSON-escaped at worst 6 bytes each) with room to spare. */
const MAX_START_BODY_BYTES = 1024 * 1024;

/**
 * Starts a run (the Run button): a session with a snippet's files at `rev`, its main file
 * already executing, in `kernel` (default the snippet's); or, with `code` instead of a snippet
 * (the /cell page), a session with no files running that code in `kernel` (default Python).
 * Follow it at `events`. Anonymous runs are allowed.
 */
export const POST = runApi(async (request, { runner }) => {
  const body = await readJson(request, ZStartBody, MAX_START_BODY_BYTES);
  if (body.code !== undefined) {
    if (body.owner !== undefined || body.slug !== undefined || body.rev !== undefined) {
      throw new AppError("INVALID", "code: send either code or a snippet (owner, slug, rev), not both.");
    }
    const run = await startCodeRun({ ...runner, code: body.code, kernel: body.kernel ?? "python" });
    const started = { ...run, rev: null, mainFile: null, note: null };
    return NextResponse.json({ ...started, events: `/api/v1/runs/${run.session}/events` }, { status: 201 });
  }
  if (body.owner === undefined) throw new AppError("INVALID", "owner: owner is required.");
  if (body.slug === undefined) throw new AppError("INVALID", "slug: slug is required.");
  const run = await startRun({ ...runner, owner: body.owner, slug: body.slug, rev: body.rev, kernel: body.kernel });
  return NextResponse.json({ ...run, events: `/api/v1/runs/${run.session}/events` }, { status: 201 });
});
