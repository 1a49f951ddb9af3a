import { NextResponse } from "next/server";
import type { ZodType } from "zod";
import { AppError, toPublicError } from "@/lib/errors";
import { getActor } from "@/lib/auth/session";
import type { TActor } from "@/lib/snippets/schema";

/** A JSON error in the API's one shape: `{"error": {"code", "message"}}` (+ details). */
export function errorResponse(e: unknown): NextResponse {
  const err = toPublicError(e);
  const headers: Record<string, string> = {};
  const retryAfter = err.details?.retryAfter;
  if (err.status === 429 && typeof retryAfter === "number") headers["Retry-After"] = String(retryAfter);
  return NextResponse.json({ error: { code: err.code, message: err.message, ...(err.details ?? {}) } }, { status: err.status, headers });
}

type THandler<P> = (request: Request, ctx: { params: P; actor: TActor | null }) => Promise<Response>;

/**
 * Wraps an API route: resolves params and the actor (Bearer token or session), turns any
 * thrown error into the JSON error shape. A malformed or unknown token is a 401, never anonymous.
 */
export function api<P = Record<string, never>>(handler: THandler<P>) {
  return async (request: Request, ctx: { params: Promise<P> }): Promise<Response> => {
    try {
      const actor = await getActor(request);
      if (actor === "invalid-token") throw new AppError("UNAUTHORIZED", "The API token is not valid. Create one at /settings/tokens.");
      return await handler(request, { params: await ctx.params, actor });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** Parses a JSON body with a zod schema; a non-JSON body or a bad field is a 400/422 naming it. */
export async function readJson<T>(request: Request, schema: ZodType<T>): Promise<T> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new AppError("BAD_REQUEST", "The request body must be JSON.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new AppError("INVALID", `${where}${issue?.message ?? "invalid input"}`);
  }
  return parsed.data;
}

export function requireActor(actor: TActor | null, what: string): TActor {
  if (!actor) throw new AppError("UNAUTHORIZED", `Sign in or send an API token to ${what}.`);
  return actor;
}
