import { NextResponse } from "next/server";
import { z } from "zod";
import { inspectCode } from "@/lib/runs/inspect-code";
import { readJson } from "../../../_lib/respond";
import { runApi } from "../../_lib/run-api";

const ZInspectBody = z.strictObject({
  code: z.string({ error: "code must be a string." }),
  cursor: z.number({ error: "cursor must be a number: a position in code." }),
  detail: z.union([z.literal(0), z.literal(1)], { error: "detail must be 0 (signature and docstring) or 1 (also the source)." }).optional(),
});

/** Help for the name at `cursor` (or the call it is in): `{found, text, busy}`. */
export const POST = runApi<{ session: string }>(async (request, { params, runner }) => {
  const { code, cursor, detail } = await readJson(request, ZInspectBody, 512 * 1024);
  return NextResponse.json(await inspectCode({ ...runner, session: params.session, code, cursor, detail: detail ?? 0 }));
});
