import { getThumbnail } from "@/lib/snippets/get-thumbnail";
import { toPublicError } from "@/lib/errors";

type TParams = { owner: string; slug: string };

/**
 * A snippet's thumbnail image. With `?rev=<oid>` (what cards link) it is that revision's, which
 * never changes (the first image wins), so it is cached for a year; without, it is the one
 * cards show now, cached briefly and revalidated by its ETag (the revision). Stored images were
 * checked to be what their type says (thumbnail-image.ts), and nosniff keeps browsers to it.
 */
export async function GET(request: Request, ctx: { params: Promise<TParams> }): Promise<Response> {
  const params = await ctx.params;
  const rev = new URL(request.url).searchParams.get("rev") ?? undefined;
  try {
    const thumb = await getThumbnail({ owner: params.owner, slug: params.slug, rev });
    const etag = `"${thumb.rev}"`;
    const headers = {
      "Content-Type": thumb.mime,
      "Cache-Control": rev ? "public, max-age=31536000, immutable" : "public, max-age=300, stale-while-revalidate=86400",
      ETag: etag,
      "Last-Modified": thumb.createdAt.toUTCString(),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    };
    if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
    return new Response(Buffer.from(thumb.bytes), { headers: { ...headers, "Content-Length": String(thumb.bytes.byteLength) } });
  } catch (e) {
    const err = toPublicError(e);
    return new Response(err.message, { status: err.status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  }
}
