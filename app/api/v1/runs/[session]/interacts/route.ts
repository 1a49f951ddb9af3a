import { NextResponse } from "next/server";
import { z } from "zod";
import { updateInteract } from "@/lib/runs/update-interact";
import { readJson } from "../../../_lib/respond";
import { runApi } from "../../_lib/run-api";

const ZUpdateBody = z.strictObject({
  interact: z.string({ error: "interact must be the interact's id." }),
  values: z.record(z.string(), z.unknown(), { error: "values must be an object of control values by name." }),
});

/** Re-runs an interact with new control values; its messages carry `msgId` as parent and `metadata.interact`. */
export const POST = runApi<{ session: string }>(async (request, { params, runner }) => {
  const { interact, values } = await readJson(request, ZUpdateBody, 256 * 1024);
  const update = await updateInteract({ ...runner, session: params.session, interact, values });
  return NextResponse.json(update, { status: 202 });
});
