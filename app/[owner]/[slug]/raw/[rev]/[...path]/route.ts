import { toPublicError } from "@/lib/errors";
import { USER_FILE_CSP } from "@/lib/http/security-headers";
import { isBinary } from "@/lib/repos";
import { readRawFile } from "@/lib/snippets/read-raw-file";

/** Images we serve as themselves; everything else is text/plain or a download. */
const IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
};

// A raw file is someone's content on our origin: never let it run script or be sniffed into HTML.
const SAFE_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": USER_FILE_CSP,
  "Cross-Origin-Resource-Policy": "same-origin",
  "Referrer-Policy": "no-referrer",
};

type Params = { params: Promise<{ owner: string; slug: string; rev: string; path: string[] }> };

export async function GET(_request: Request, { params }: Params): Promise<Response> {
  const p = await params;
  try {
    // Next hands route params over already decoded; decoding again broke names with a "%".
    const path = p.path.join("/");
    const file = await readRawFile({ owner: p.owner, slug: p.slug, rev: p.rev, path });
    const ext = path.split(".").pop()?.toLowerCase() ?? "";
    const binary = isBinary(file.content);
    const type = IMAGE_TYPES[ext] ?? (binary ? "application/octet-stream" : "text/plain; charset=utf-8");
    const name = path.split("/").pop() ?? "file";
    // A revision's file never changes; HEAD does.
    const immutable = p.rev !== "HEAD" && /^[0-9a-f]{40}$/.test(p.rev);
    return new Response(Buffer.from(file.content), {
      headers: {
        ...SAFE_HEADERS,
        "Content-Type": type,
        "Content-Length": String(file.content.byteLength),
        "Content-Disposition": `${type === "application/octet-stream" ? "attachment" : "inline"}; filename*=UTF-8''${encodeURIComponent(name)}`,
        "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "public, max-age=0, must-revalidate",
        ETag: `"${file.oid}"`,
      },
    });
  } catch (e) {
    const err = toPublicError(e);
    return new Response(err.message + "\n", { status: err.status, headers: { ...SAFE_HEADERS, "Content-Type": "text/plain; charset=utf-8" } });
  }
}
