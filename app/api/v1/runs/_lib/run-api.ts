import { clientAddress } from "@/lib/auth/rate-limit";
import type { TRunner } from "@/lib/runs/run-client-key";
import type { TActor } from "@/lib/snippets/schema";
import { api } from "../../_lib/respond";

type THandler<P> = (request: Request, ctx: { params: P; actor: TActor | null; runner: TRunner }) => Promise<Response>;

/**
 * `api()` for the Run endpoints: adds who is asking (user, or the address a trusted proxy names)
 * for the Run budget, and keeps the service's Retry-After on a 503 (a full queue), which the
 * shared error response sets only for 429s.
 */
export function runApi<P = Record<string, never>>(handler: THandler<P>) {
  const inner = api<P>((request, ctx) => handler(request, { ...ctx, runner: { actor: ctx.actor, address: clientAddress(request.headers) } }));
  return async (request: Request, ctx: { params: Promise<P> }): Promise<Response> => {
    const response = await inner(request, ctx);
    if (response.status === 503 && !response.headers.has("retry-after")) {
      const body = (await response
        .clone()
        .json()
        .catch(() => null)) as { error?: { retryAfter?: unknown } } | null;
      const seconds = body?.error?.retryAfter;
      if (typeof seconds === "number") response.headers.set("Retry-After", String(seconds));
    }
    return response;
  };
}

/** Where a session's file is downloaded from (site-relative). */
export function runFilePath(session: string, name: string): string {
  return `/api/v1/runs/${session}/files/${name.split("/").map(encodeURIComponent).join("/")}`;
}
