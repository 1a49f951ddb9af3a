import { NextResponse } from "next/server";
import { listExecHosts } from "@/lib/runs/list-exec-hosts";
import { api } from "../../_lib/respond";

export const dynamic = "force-dynamic";

/** The live execution hosts: `{hosts: [{id, kernels, capacity, free, sessions, lastHeartbeat}]}`. */
export const GET = api(async () => {
  const hosts = await listExecHosts();
  return NextResponse.json({ hosts }, { headers: { "Cache-Control": "no-store" } });
});
