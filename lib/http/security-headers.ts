/**
 * The security headers every response of the site carries (set by proxy.ts). Pure functions of
 * the request, so they are tested without a server. Deliberately no `import "server-only"`:
 * proxy.ts is not a React Server Component.
 */
import { fromTheRight } from "@/lib/http/forwarded";

/**
 * Path prefixes other sites may show in a frame (the embedded cell, `/embed/cell`). Everything
 * else answers `frame-ancestors 'none'`, except {@link EMBEDDABLE_PATHS}.
 */
export const EMBEDDABLE_PREFIXES: readonly string[] = ["/embed/"];

/** Single pages other sites may frame: a snippet's embed (`/:owner/:slug/embed`, docs/api.md "Embeds"). */
export const EMBEDDABLE_PATHS: readonly RegExp[] = [/^\/(?!api\/|tags\/|embed\/|_next\/)[^/]+\/[^/]+\/embed$/];

export type TSecurityContext = {
  pathname: string;
  /** Served over HTTPS (see {@link isServedOverHttps}): adds HSTS and upgrade-insecure-requests. */
  https: boolean;
  /** `next dev`: React's debugging needs eval there (never in production). */
  dev: boolean;
};

/**
 * The policy of files that users or their code made, served from our origin (raw snippet files,
 * files a run wrote): a sandboxed document (an opaque origin, no script) that may show itself as
 * an image or styled SVG and load nothing. The routes send it too; proxy.ts's header replaces
 * a route's own, so it must pick this one for their paths.
 */
export const USER_FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";

const USER_FILE_PATHS = [
  /^\/(?!api\/|tags\/)[^/]+\/[^/]+\/raw\//, // /:owner/:slug/raw/:rev/...
  /^\/api\/v1\/snippets\/[^/]+\/[^/]+\/raw\//,
  /^\/api\/v1\/runs\/[^/]+\/files\/./,
];

/**
 * The document HTML outputs are shown in (public/output-frame.html, components/run/html-output.tsx),
 * always in a sandboxed frame of our pages: the cell's markup may run inline script, but load
 * nothing at all, and only our pages may frame it.
 */
export const OUTPUT_FRAME_PATH = "/output-frame.html";
const OUTPUT_FRAME_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  "img-src data:",
  "font-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  // Any ancestor: an embedded cell (itself framed by another site's page) shows HTML outputs too,
  // and frame-ancestors checks every ancestor, the host page included. The document is an opaque
  // sandboxed origin that loads nothing and shows only the markup its parent posts it, so being
  // framed elsewhere gives another site nothing its own page could not do.
  "frame-ancestors *",
  "sandbox allow-scripts",
].join("; ");

export function isUserFile(pathname: string): boolean {
  return USER_FILE_PATHS.some((pattern) => pattern.test(pathname));
}

export function isEmbeddable(pathname: string): boolean {
  return EMBEDDABLE_PREFIXES.some((prefix) => pathname.startsWith(prefix)) || EMBEDDABLE_PATHS.some((pattern) => pattern.test(pathname));
}

/**
 * The Content-Security-Policy of a page or route ({@link USER_FILE_CSP} for user files).
 * - Scripts only from our origin. Inline ones are allowed ('unsafe-inline'): Next's bootstrap and
 *   RSC payload are inline, and the only way to tell them from injected ones is a per-request
 *   nonce, which makes every page render per request. Measured when it was tried: the snippet
 *   page fell from ~350 to ~12 requests/s (ISR cache lost). React's escaping and the markdown
 *   sanitizer are the defence against injected markup; this policy still keeps out scripts of
 *   other origins, plugins, <base> tricks, form posts elsewhere and framing.
 * - Styles allow 'unsafe-inline' and no nonce (a nonce would switch 'unsafe-inline' off): KaTeX
 *   writes `style` attributes, CodeMirror injects `<style>` elements. Styles cannot run code.
 * - Images: `data:` (plots, SVG output) and `blob:`; fonts: next/font and KaTeX's, self-hosted.
 * - `frame-src 'self'`: the only frames we make are HTML outputs ({@link OUTPUT_FRAME_PATH});
 *   no other site's page can load in them, and our pages refuse to (frame-ancestors), except
 *   the embed pages ({@link isEmbeddable}), which any site may frame.
 */
export function contentSecurityPolicy(ctx: TSecurityContext): string {
  if (ctx.pathname === OUTPUT_FRAME_PATH) return OUTPUT_FRAME_CSP;
  const directives = isUserFile(ctx.pathname) ? [USER_FILE_CSP] : pagePolicy(ctx);
  if (!isEmbeddable(ctx.pathname)) directives.push("frame-ancestors 'none'");
  if (ctx.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

function pagePolicy(ctx: TSecurityContext): string[] {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${ctx.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ];
}

/** All security headers for one response. */
export function securityHeaders(ctx: TSecurityContext): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy(ctx),
    "X-Content-Type-Options": "nosniff",
    // Cross-origin links get our origin only: an unlisted snippet's URL is its secret.
    "Referrer-Policy": isUserFile(ctx.pathname) || ctx.pathname === OUTPUT_FRAME_PATH ? "no-referrer" : "strict-origin-when-cross-origin",
  };
  // Browsers ignore HSTS over plain HTTP, but a site reached over http:// must not claim it either.
  if (ctx.https) headers["Strict-Transport-Security"] = "max-age=31536000";
  return headers;
}

/**
 * Whether the browser reached us over HTTPS: the public origin (AUTH_URL) is https, or a
 * trusted reverse proxy says so (`X-Forwarded-Proto: https` with TRUST_PROXY=1, or N proxies). Without
 * TRUST_PROXY the header is anyone's to send and is ignored.
 */
export function isServedOverHttps(opts: { authUrl: string | undefined; trustProxy: number; forwardedProto: string | null }): boolean {
  if (opts.authUrl?.startsWith("https:")) return true;
  if (opts.trustProxy <= 0 || !opts.forwardedProto) return false;
  // A chain of proxies appends: the entry the outermost one wrote is the trustProxy-th from the right.
  return fromTheRight(opts.forwardedProto, opts.trustProxy)?.toLowerCase() === "https";
}
