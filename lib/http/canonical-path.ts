/**
 * Usernames and snippet names are stored lower-case (lib/users/schema.ts, lib/snippets/schema.ts)
 * and looked up case-insensitively, so `/Alice/My-Snippet` shows `/alice/my-snippet`. Serving it
 * under both URLs would let caches keep two copies (and miss a deletion in one); proxy.ts answers
 * 308 to the one spelling instead. Only the owner and snippet name are folded: file paths, tags
 * and revisions keep their case.
 */

/** Top-level routes that are not owners; an owner's name can never be one of them. */
const SITE_ROUTES = new Set(["api", "new", "search", "settings", "signin", "signup", "tags"]);
/** What an owner or snippet name may look like, in any case (a file like `favicon.svg` at the top is not one). */
const OWNER = /^[a-z0-9-]+$/i;
const SLUG = /^[a-z0-9._-]+$/i;

/**
 * The canonical path for `pathname`, or null when it already is canonical (or names nothing
 * this folds). `pathname` is as requested (percent-encoded); the result is too.
 */
export function canonicalPath(pathname: string): string | null {
  const segments = pathname.split("/");
  // segments[0] is the empty string before the leading slash.
  const first = segments[1];
  if (first === undefined) return null;
  const top = decoded(first).toLowerCase();
  const indexes: number[] = [];
  if (top === "api") {
    // /api/v1/snippets/:owner/:slug/...
    if (segments[2] === "v1" && segments[3] === "snippets") indexes.push(4, 5);
  } else if (SITE_ROUTES.has(top)) {
    indexes.push(1);
  } else {
    indexes.push(1, 2);
    // /:owner/:slug/forks/compare/:otherOwner/:otherSlug
    if (segments[3] === "forks" && segments[4] === "compare") indexes.push(5, 6);
  }
  let changed = false;
  indexes.forEach((at, n) => {
    const segment = segments[at];
    if (segment === undefined || segment === "") return;
    const name = decoded(segment);
    // Even positions in `indexes` are owners (or a site route), odd ones snippet names.
    if (!(n % 2 === 0 ? OWNER : SLUG).test(name)) return;
    const canonical = name.toLowerCase();
    if (canonical !== segment) {
      segments[at] = canonical;
      changed = true;
    }
  });
  return changed ? segments.join("/") : null;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
