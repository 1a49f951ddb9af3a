import { NextResponse } from "next/server";
import { z } from "zod";
import { completeCode } from "@/lib/runs/complete-code";
import { readJson } from "../../../_lib/respond";
import { runApi } from "../../_lib/run-api";

const ZCompleteBody = z.strictObject({
  code: z.string({ error: "code must be a string." }),
  cursor: z.number({ error: "cursor must be a number: a position in code." }),
});

/** Completions for the name before `cursor` from the session's namespace: `{matches, cursorStart, cursorEnd, busy}`. */
export const POST = runApi<{ session: string }>(async (request, { params, runner }) => {
  const { code, cursor } = await readJson(request, ZCompleteBody, 512 * 1024);
  return NextResponse.json(await completeCode({ ...runner, session: params.session, code, cursor }));
});
