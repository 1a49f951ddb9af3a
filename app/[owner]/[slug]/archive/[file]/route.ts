import { Readable } from "node:stream";
import { toPublicError } from "@/lib/errors";
import { archiveSnippet } from "@/lib/snippets/archive-snippet";

type Params = { params: Promise<{ owner: string; slug: string; file: string }> };

/** `/:owner/:slug/archive/:rev.zip` — the files at that revision (`HEAD` or an oid), streamed. */
export async function GET(_request: Request, { params }: Params): Promise<Response> {
  const p = await params;
  const m = /^([0-9a-fA-F]{4,40}|HEAD)\.zip$/.exec(p.file);
  if (!m?.[1])
    return new Response("Not found: the archive name is <revision>.zip\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  try {
    const { rev, fileName, stream } = await archiveSnippet({ owner: p.owner, slug: p.slug, rev: m[1] === "HEAD" ? "HEAD" : m[1].toLowerCase() });
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      headers: {
        "Content-Type": "application/zip",
        "Content-Disposition": `attachment; filename="${fileName}"`,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": m[1] === "HEAD" ? "no-cache" : "public, max-age=31536000, immutable",
        ETag: `"zip-${rev}"`,
      },
    });
  } catch (e) {
    const err = toPublicError(e);
    return new Response(err.message + "\n", { status: err.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
