import { NextResponse } from "next/server";
import { listRunFiles } from "@/lib/runs/list-run-files";
import { runApi, runFilePath } from "../../_lib/run-api";
import { absoluteUrl } from "../../../_lib/urls";

export const dynamic = "force-dynamic";

/** Files the run's cells created or changed, each with its download URL. */
export const GET = runApi<{ session: string }>(async (request, { params }) => {
  const files = await listRunFiles({ session: params.session });
  return NextResponse.json(
    { files: files.map((f) => ({ name: f.name, size: f.size, url: absoluteUrl(request, runFilePath(params.session, f.name)) })) },
    { headers: { "Cache-Control": "no-store" } },
  );
});
