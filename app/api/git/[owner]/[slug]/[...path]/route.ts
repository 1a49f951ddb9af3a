import { toPublicError } from "@/lib/errors";
import { clientAddress } from "@/lib/auth/client-address";
import { serveGit } from "@/lib/snippets/serve-git";

/*
 * git's smart HTTP protocol for `/<owner>/<slug>.git/...` (rewritten here by proxy.ts): clone and
 * fetch for anyone who can see the snippet, push for its owner (docs/api.md, "git"). Errors are
 * plain text, which git prints to the user ("remote: ...").
 */

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ owner: string; slug: string; path: string[] }> };

async function handle(request: Request, ctx: Ctx): Promise<Response> {
  const { owner, slug, path } = await ctx.params;
  try {
    const url = new URL(request.url);
    const length = request.headers.get("content-length");
    const git = await serveGit({
      owner,
      slug,
      action: path.join("/"),
      method: request.method,
      service: url.searchParams.get("service"),
      contentType: request.headers.get("content-type"),
      contentEncoding: request.headers.get("content-encoding"),
      contentLength: length !== null && /^\d+$/.test(length) ? Number(length) : null,
      gitProtocol: request.headers.get("git-protocol"),
      body: request.body,
      credentials: basicCredentials(request.headers.get("authorization")),
      address: clientAddress(request.headers),
    });
    return new Response(git.body, { status: git.status, headers: git.headers });
  } catch (e) {
    const err = toPublicError(e);
    const headers: Record<string, string> = { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" };
    // git asks for a user name and password (or its credential helper) only after a 401 with this.
    if (err.status === 401) headers["WWW-Authenticate"] = 'Basic realm="Cellar", charset="UTF-8"';
    const retryAfter = err.details?.retryAfter;
    if (err.status === 429 && typeof retryAfter === "number") headers["Retry-After"] = String(retryAfter);
    return new Response(`${err.message}\n`, { status: err.status, headers });
  }
}

/** user:password from an `Authorization: Basic` header, or null. */
function basicCredentials(header: string | null): { username: string; password: string } | null {
  const m = header && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export const GET = handle;
export const POST = handle;
