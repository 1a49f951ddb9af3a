import { NextResponse } from "next/server";
import { z } from "zod";
import { readSnippetFiles } from "@/lib/snippets/read-snippet-files";
import { toFileBody } from "../../../../_lib/files";
import { parseQuery } from "../../../../_lib/query";
import { api } from "../../../../_lib/respond";

const ZFilesQuery = z.object({ rev: z.string().min(1, "rev must be HEAD or a revision id.").optional() });

/** Every file with its content at `rev` (default: the latest revision). */
export const GET = api<{ owner: string; slug: string }>(async (request, { params }) => {
  const { rev } = parseQuery(request, ZFilesQuery);
  const result = await readSnippetFiles({ owner: params.owner, slug: params.slug, ...(rev ? { rev } : {}) });
  return NextResponse.json({ rev: result.rev, head: result.head, files: result.files.map(toFileBody) });
});
