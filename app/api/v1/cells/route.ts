import { NextResponse } from "next/server";
import { clientAddress } from "@/lib/auth/client-address";
import { createCellLink } from "@/lib/cells/create-cell-link";
import { ZCellLinkInput } from "@/lib/cells/schema";
import { api, readJson } from "../_lib/respond";
import { cellLinkJson } from "../_lib/cell-json";

/** 64 KB of code, JSON-escaped (a control character takes 6 bytes), plus the interacts' values. */
const MAX_CELL_REQUEST_BYTES = 512 * 1024;

/** Creates a short link to code for the /cell page; anonymous allowed, rate-limited like writes. */
export const POST = api(async (request, { actor }) => {
  const input = await readJson(request, ZCellLinkInput, MAX_CELL_REQUEST_BYTES);
  const link = await createCellLink({ actor, address: clientAddress(request.headers), input });
  return NextResponse.json(cellLinkJson(request, link), { status: 201 });
});
