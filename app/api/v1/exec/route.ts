import { NextResponse } from "next/server";
import { z } from "zod";
import { runToCompletion } from "@/lib/runs/run-code";
import { ZKernelName } from "@/lib/snippets/kernel";
import { readJson } from "../_lib/respond";
import { absoluteUrl } from "../_lib/urls";
import { runApi, runFilePath } from "../runs/_lib/run-api";

export const dynamic = "force-dynamic";

const ZExecBody = z.strictObject({
  code: z.string({ error: "code must be a string of Python." }),
  snippet: z
    .strictObject({
      owner: z.string().min(1, "snippet.owner is required."),
      slug: z.string().min(1, "snippet.slug is required."),
      rev: z.string().min(1, "snippet.rev must be HEAD or a revision id.").optional(),
    })
    .optional(),
  timeout: z
    .number({ error: "timeout must be a number of seconds." })
    .positive("timeout must be a number of seconds.")
    .max(3600, "timeout must be a number of seconds.")
    .optional(),
  kernel: ZKernelName.optional(),
});

/**
 * Runs code and answers when it is done: `{status, outputs, files}` with nbformat v4 outputs.
 * With `snippet`, in that snippet's files at `rev`; otherwise in an empty directory. `kernel`
 * defaults to the snippet's, else python.
 */
export const POST = runApi(async (request, { runner }) => {
  const body = await readJson(request, ZExecBody, 512 * 1024);
  const result = await runToCompletion({ ...runner, code: body.code, snippet: body.snippet, timeout: body.timeout, kernel: body.kernel });
  const session = result.session;
  return NextResponse.json({
    status: result.status,
    host: result.host,
    outputs: result.outputs,
    files: result.files.map((f) => ({ name: f.name, size: f.size, url: session ? absoluteUrl(request, runFilePath(session, f.name)) : null })),
  });
});
