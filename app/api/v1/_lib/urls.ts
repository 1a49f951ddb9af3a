import { getEnv } from "@/lib/env";

/**
 * The site's public origin for links in API answers: AUTH_URL when the operator set it
 * (behind a proxy the request's own Host may be an internal name), else the request's origin.
 */
export function originOf(request: Request): string {
  return getEnv().authUrl ?? new URL(request.url).origin;
}

/** `path` (site-relative, starting with "/") as an absolute URL on this site. */
export function absoluteUrl(request: Request, path: string): string {
  return `${originOf(request)}${path}`;
}

/** Path segments of a URL, each escaped (file paths may contain spaces or '#'). */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** The API address of one file at a fixed revision: immutable, so safe to cache. */
export function rawFileUrl(request: Request, owner: string, slug: string, rev: string, path: string): string {
  return absoluteUrl(request, `/api/v1/snippets/${owner}/${slug}/raw/${encodePath(path)}?rev=${rev}`);
}
