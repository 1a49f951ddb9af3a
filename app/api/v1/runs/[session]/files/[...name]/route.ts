import { openRunFile } from "@/lib/runs/open-run-file";
import { runFileHeaders } from "@/lib/runs/run-file-headers";
import { runApi } from "../../../_lib/run-api";

export const dynamic = "force-dynamic";

/**
 * A file the run wrote, streamed from the execution service as it arrives. Anyone's code made
 * it and it is served from our origin: raster images inline, anything else as an attachment,
 * always with nosniff and a sandbox CSP.
 */
export const GET = runApi<{ session: string; name: string[] }>(async (_request, { params }) => {
  const name = params.name.join("/");
  const file = await openRunFile({ session: params.session, name });
  return new Response(file.body, { headers: runFileHeaders(name, file.size) });
});
