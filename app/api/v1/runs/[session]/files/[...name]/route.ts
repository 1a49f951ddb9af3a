import { readRunFile } from "@/lib/runs/read-run-file";
import { runFileHeaders } from "@/lib/runs/run-file-headers";
import { execClient } from "@/lib/runs/service";
import { runApi } from "../../../_lib/run-api";

export const dynamic = "force-dynamic";

/**
 * A file the run wrote. Anyone's code made it and it is served from our origin: raster images
 * inline, anything else as an attachment, always with nosniff and a sandbox CSP.
 */
export const GET = runApi<{ session: string; name: string[] }>(async (_request, { params }) => {
  const name = params.name.join("/");
  const bytes = await readRunFile({ session: params.session, name, client: execClient() });
  return new Response(Buffer.from(bytes), { headers: runFileHeaders(name, bytes.byteLength) });
});
