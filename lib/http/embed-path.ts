/**
 * A snippet's Gist-style embed script is `/<owner>/<slug>.js` (docs/api.md "Embeds"). A dynamic
 * segment cannot match `slug.js`, so proxy.ts rewrites it to the route handler at
 * `/embed/script/<owner>/<slug>` (app/embed/script). Snippet names may contain dots, so a
 * snippet named `x.js` keeps its page where a browser navigates to it (Fetch Metadata's
 * `Sec-Fetch-Dest: document`, `iframe` or `frame`); a `<script src>` (or a client without Fetch
 * Metadata, such as curl) gets the script. No `server-only`: proxy.ts and tests use it.
 */
const SCRIPT_URL = /^\/([^/]+)\/([^/]+)\.js$/;

/** Owners that are not users: our own top-level folders (their usernames are reserved). */
const NOT_OWNERS = new Set(["api", "_next", "embed", "tags"]);

const NAVIGATIONS = new Set(["document", "iframe", "frame", "embed", "object"]);

/** The internal route for a snippet's embed script, or null when the request is not for one. */
export function embedScriptRoutePath(pathname: string, fetchDest: string | null): string | null {
  const m = SCRIPT_URL.exec(pathname);
  if (!m || NOT_OWNERS.has(m[1]!.toLowerCase())) return null;
  if (fetchDest !== null && NAVIGATIONS.has(fetchDest.toLowerCase())) return null;
  return `/embed/script/${m[1]!.toLowerCase()}/${m[2]!.toLowerCase()}`;
}
