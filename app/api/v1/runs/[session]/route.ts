import { closeRun } from "@/lib/runs/close-run";
import { runApi } from "../_lib/run-api";

/** Ends a run and frees its slot; its files go with it. */
export const DELETE = runApi<{ session: string }>(async (_request, { params }) => {
  await closeRun({ session: params.session });
  return new Response(null, { status: 204 });
});
