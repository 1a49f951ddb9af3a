/** A refusal the Run panel explains: what went wrong, and when to try again if it says. */
export type TRunProblem = { code: string; message: string; retryAfter: number | null };

/**
 * POSTs JSON to the site's API; a refusal comes back as a problem to show, never a throw.
 * A 503 without a body (the site itself down) still reads as "Run is unavailable".
 */
export async function postJson(url: string, body: unknown): Promise<{ ok: true; body: unknown } | { ok: false; problem: TRunProblem }> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    return { ok: false, problem: { code: "OFFLINE", message: "Could not reach the site. Check your connection and try again.", retryAfter: null } };
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) return { ok: true, body: json };
  return { ok: false, problem: apiError(res, json) };
}

/** The problem in an API error answer (`{"error": {"code", "message", "retryAfter"?}}`). */
export function apiError(res: Response, json: unknown): TRunProblem {
  const error = (json as { error?: { code?: unknown; message?: unknown; retryAfter?: unknown } } | null)?.error;
  const header = Number(res.headers.get("retry-after"));
  const retryAfter = typeof error?.retryAfter === "number" ? error.retryAfter : Number.isFinite(header) && header > 0 ? header : null;
  const code = typeof error?.code === "string" ? error.code : res.status === 503 ? "UNAVAILABLE" : "ERROR";
  const message =
    typeof error?.message === "string" ? error.message : res.status === 503 ? "Run is unavailable right now." : `Run failed (HTTP ${res.status}).`;
  return { code, message, retryAfter };
}
