import { NextResponse } from "next/server";
import { getCellLink } from "@/lib/cells/get-cell-link";
import { api } from "../../_lib/respond";
import { cellLinkJson } from "../../_lib/cell-json";

/** Reads a short link: its code, kernel and interact values. Public. */
export const GET = api<{ id: string }>(async (request, { params }) => {
  const link = await getCellLink({ id: params.id });
  return NextResponse.json(cellLinkJson(request, link));
});
