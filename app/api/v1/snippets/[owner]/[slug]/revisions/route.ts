import { NextResponse } from "next/server";
import { listSnippetRevisions } from "@/lib/snippets/list-revisions";
import { api } from "../../../../_lib/respond";

/** Revisions, newest first. `author` is the Cellar username, or the commit's name for foreign commits. */
export const GET = api<{ owner: string; slug: string }>(async (_request, { params }) => {
  const revisions = await listSnippetRevisions({ owner: params.owner, slug: params.slug });
  return NextResponse.json(revisions.map((r) => ({ oid: r.oid, message: r.message, author: r.author.username ?? r.author.name, date: r.date.toISOString() })));
});
