import { stopRun } from "@/lib/runs/stop-run";
import { runApi } from "../../_lib/run-api";

/** Interrupts the running cell (KeyboardInterrupt; killed after a grace period). */
export const POST = runApi<{ session: string }>(async (_request, { params }) => {
  await stopRun({ session: params.session });
  return new Response(null, { status: 202 });
});
