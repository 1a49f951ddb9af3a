import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { canonicalPath } from "@/lib/http/canonical-path";
import { embedScriptRoutePath } from "@/lib/http/embed-path";
import { gitRoutePath } from "@/lib/http/git-path";
import { isServedOverHttps, securityHeaders } from "@/lib/http/security-headers";

/**
 * Runs before every page and route handler (Next 16's renamed middleware):
 * - `GET /Alice/My-Snippet` → 308 to `/alice/my-snippet` (lib/http/canonical-path.ts);
 * - `/alice/snippet.git/info/refs` (git clone and push) → rewritten to app/api/git, with no
 *   case-folding redirect: git follows redirects only on its first request;
 * - `/alice/snippet.js` loaded by a `<script>` (a Gist-style embed) → rewritten to app/embed/script
 *   (lib/http/embed-path.ts);
 * - every response gets the security headers (lib/http/security-headers.ts). They do not vary
 *   per request, so cached (ISR) pages stay cached.
 * These headers replace a route handler's own of the same name, so user files (raw files, run
 * files) get their sandbox policy from here too (USER_FILE_CSP).
 */
export function proxy(request: NextRequest): NextResponse {
  const env = getEnv();
  const https = isServedOverHttps({ authUrl: env.authUrl, trustProxy: env.trustProxy, forwardedProto: request.headers.get("x-forwarded-proto") });
  const headers = securityHeaders({
    pathname: request.nextUrl.pathname,
    https,
    dev: process.env.NODE_ENV === "development",
  });

  const internalRoute = gitRoutePath(request.nextUrl.pathname) ?? embedScriptRoutePath(request.nextUrl.pathname, request.headers.get("sec-fetch-dest"));
  const canonical = internalRoute === null && (request.method === "GET" || request.method === "HEAD") ? canonicalPath(request.nextUrl.pathname) : null;
  let response: NextResponse;
  if (internalRoute !== null) {
    const url = request.nextUrl.clone();
    url.pathname = internalRoute;
    response = NextResponse.rewrite(url);
  } else if (canonical !== null) {
    const url = request.nextUrl.clone();
    url.pathname = canonical;
    response = NextResponse.redirect(url, 308);
  } else {
    response = NextResponse.next();
  }
  // `<slug>.js` is a script or a page depending on how it is asked for (lib/http/embed-path.ts).
  // Only such paths: Next's chunks and /embed.js are always scripts, and a Vary there would only
  // split caches.
  if (embedScriptRoutePath(request.nextUrl.pathname, null) !== null) response.headers.set("Vary", "Sec-Fetch-Dest");
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Everything but Next's own static files (hashed, immutable; nosniff comes from next.config.ts).
  matcher: ["/((?!_next/static|_next/image).*)"],
};
