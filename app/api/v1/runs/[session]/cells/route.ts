import { NextResponse } from "next/server";
import { z } from "zod";
import { runCell } from "@/lib/runs/run-cell";
import { readJson } from "../../../_lib/respond";
import { runApi } from "../../_lib/run-api";

const ZCellBody = z.strictObject({ code: z.string({ error: "code must be a string." }) });

/** Runs a cell in the session after what ran before; its messages carry `msgId` as parent. */
export const POST = runApi<{ session: string }>(async (request, { params, runner }) => {
  const { code } = await readJson(request, ZCellBody, 512 * 1024);
  const cell = await runCell({ ...runner, session: params.session, code });
  return NextResponse.json(cell, { status: 202 });
});
