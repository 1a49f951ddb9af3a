import { z } from "zod";
import { USER_FILE_CSP } from "@/lib/http/security-headers";
import { isBinary } from "@/lib/repos";
import { readRawFile } from "@/lib/snippets/read-raw-file";
import { parseQuery } from "../../../../../_lib/query";
import { api } from "../../../../../_lib/respond";

const ZRawQuery = z.object({ rev: z.string().min(1, "rev must be HEAD or a revision id.").optional() });

/**
 * One file's bytes. Served as plain text or octet-stream with nosniff and a sandbox CSP, never
 * as HTML: snippet files are user content on our origin. A request pinned to a full oid is
 * immutable and cached for a long time. Sent from memory: git stores a file as one compressed
 * object that isomorphic-git inflates whole, and a snippet's file is at most 1 MB.
 */
export const GET = api<{ owner: string; slug: string; path: string[] }>(async (request, { params }) => {
  const { rev = "HEAD" } = parseQuery(request, ZRawQuery);
  const file = await readRawFile({ owner: params.owner, slug: params.slug, rev, path: params.path.join("/") });
  const pinned = rev === file.rev;
  return new Response(Buffer.from(file.content), {
    headers: {
      "Content-Type": isBinary(file.content) ? "application/octet-stream" : "text/plain; charset=utf-8",
      "Content-Length": String(file.content.byteLength),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": USER_FILE_CSP,
      "Cache-Control": pinned ? "public, max-age=31536000, immutable" : "no-cache",
      ETag: `"${file.oid}"`,
    },
  });
});
