/**
 * `shared` in cells (docs/exec.md section 5): the service requests "shared.get", "shared.set",
 * "shared.delete", "shared.keys" and "shared.wait" (lib/exec/python/cellar/__init__.py) are
 * answered by a `TSharedBackend` with the requesting session's scope — the one the site gave
 * when it created the session, never anything the cell sends. The request's other fields are
 * the cell's (untrusted) and go to the backend as they are: lib/shared/handle-shared-request.ts
 * checks them.
 *
 * Backends: in-process (`handleSharedRequest` called directly, where the service can open the
 * same store: tests) or `siteSharedBackend`, which asks the site's internal route
 * (app/api/internal/shared) on loopback with a token (EXEC_SITE_URL, EXEC_SITE_TOKEN): with the
 * embedded database only the site's process can open it.
 */
import { z } from "zod";
import type { TSharedScope } from "@/lib/exec/protocol";
import { RequestError, type CellRequests, type TRequestReply } from "@/lib/exec/service/cell-requests";

/** Answers one request of a cell's `shared` for `scope`: `{ok: true, ...}` or `{ok: false, error: {code, message}}`; never throws. */
export type TSharedBackend = (scope: TSharedScope, request: Record<string, unknown>) => Promise<TRequestReply>;

export const SHARED_OPS = ["get", "set", "delete", "keys", "wait"] as const;

/** The site's internal route, relative to EXEC_SITE_URL. */
export const SITE_SHARED_PATH = "/api/internal/shared";
/** The header carrying EXEC_SITE_TOKEN. */
export const SITE_TOKEN_HEADER = "authorization";

export const NO_SNIPPET_MESSAGE =
  "shared values belong to a snippet: this code runs without one (typed on /cell or sent to POST /api/v1/exec without a snippet). Run it in a snippet to use `shared`.";

/** Registers the shared ops on `requests`; without a backend they answer that shared values are not available here. */
export function registerSharedOps(requests: CellRequests, backend: TSharedBackend | undefined): void {
  for (const op of SHARED_OPS) {
    requests.register(`shared.${op}`, async (from, _cell, content) => {
      if (!from.shared) throw new RequestError("NO_SNIPPET", NO_SNIPPET_MESSAGE);
      if (!backend) {
        throw new RequestError(
          "UNAVAILABLE",
          "shared values are not available on this execution host (it has no way to reach the site: EXEC_SITE_URL and EXEC_SITE_TOKEN are unset).",
        );
      }
      return backend(from.shared, { ...content, op });
    });
  }
}

const ZReply = z.looseObject({ ok: z.boolean() });

/** Longest the site may take for one request: a wait holds up to 30 s (handle-shared-request.ts). */
const SITE_TIMEOUT_MS = 40_000;

/**
 * A backend that asks the site: `POST <url>/api/internal/shared` with `{scope, request}` and
 * `Authorization: Bearer <token>`. A site that cannot be reached or refuses becomes an
 * UNAVAILABLE reply (the cell gets ConnectionError).
 */
export function siteSharedBackend(o: { url: string; token: string; log?: (line: string) => void }): TSharedBackend {
  const endpoint = o.url.replace(/\/+$/, "") + SITE_SHARED_PATH;
  const unavailable = (why: string): TRequestReply => ({
    ok: false,
    error: { code: "UNAVAILABLE", message: `shared values are unavailable right now (${why}); try again in a moment.` },
  });
  return async (scope, request) => {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", [SITE_TOKEN_HEADER]: `Bearer ${o.token}` },
        body: JSON.stringify({ scope, request }),
        signal: AbortSignal.timeout(SITE_TIMEOUT_MS),
        redirect: "error",
      });
    } catch (e) {
      o.log?.(`shared: cannot reach the site at ${endpoint}: ${(e as Error).message}`);
      return unavailable("the site did not answer");
    }
    const text = await res.text().catch(() => "");
    if (!res.ok) {
      o.log?.(`shared: the site answered ${res.status}: ${text.slice(0, 200)}`);
      return unavailable(`the site answered ${res.status}`);
    }
    try {
      return ZReply.parse(JSON.parse(text));
    } catch {
      return unavailable("the site's answer was not understood");
    }
  };
}
