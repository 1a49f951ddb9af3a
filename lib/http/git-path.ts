/**
 * git's URLs for a snippet are `/<owner>/<slug>.git/<action>` (what `git clone <site>/<owner>/<slug>.git`
 * asks for). A dynamic segment cannot match `slug.git`, so proxy.ts rewrites them to the route
 * handler at `/api/git/<owner>/<slug>/<action>` (app/api/git). No `server-only`: proxy.ts and
 * tests use it.
 */
// Only git's three smart-protocol requests: a snippet may be named `x.git`, and its pages
// (`/alice/x.git/history`) stay pages.
const GIT_URL = /^\/([^/]+)\/([^/]+)\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/;

/** The internal route for a git URL, or null when `pathname` is not one. */
export function gitRoutePath(pathname: string): string | null {
  const m = GIT_URL.exec(pathname);
  if (!m) return null;
  return `/api/git/${m[1]}/${m[2]}/${m[3]}`;
}
