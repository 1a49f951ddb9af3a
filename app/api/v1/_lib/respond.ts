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
  if ((err.status === 429 || err.status === 503) && typeof retryAfter === "number") headers["Retry-After"] = String(retryAfter);
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
      const actor = isCrossSiteWrite(request) ? null : await getActor(request);
      if (actor === "invalid-token") throw new AppError("UNAUTHORIZED", "The API token is not valid. Create one at /settings/tokens.");
      return await handler(request, { params: await ctx.params, actor });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * A write that a browser sent on behalf of another site (a form or fetch from elsewhere,
 * which would carry our session cookie). Such requests count as anonymous. Token requests are
 * not affected: a token is never sent by the browser on its own.
 */
function isCrossSiteWrite(request: Request): boolean {
  if (!UNSAFE_METHODS.has(request.method) || request.headers.has("authorization")) return false;
  const site = request.headers.get("sec-fetch-site");
  return site !== null && site !== "same-origin" && site !== "none";
}

/**
 * Largest request body the API reads. A snippet may hold 5 MB, and binary files travel as
 * base64 (4/3 larger), so 8 MB leaves room for that plus JSON overhead and nothing more.
 */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Parses a JSON body with a zod schema; a non-JSON body or a bad field is a 400/422 naming it.
 * A body over `maxBytes` is a 413, refused from its Content-Length before reading when that
 * is given, and otherwise as soon as the bytes read pass the limit (a chunked upload or a
 * client that lies about the length cannot make the server buffer more).
 */
export async function readJson<T>(request: Request, schema: ZodType<T>, maxBytes: number = MAX_BODY_BYTES): Promise<T> {
  const text = await readBodyText(request, maxBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The request body must be JSON.");
  }
  return parseBody(body, schema);
}

/** Checks a parsed JSON body with a zod schema: a bad field is a 422 naming it (readJson's second half, for bodies of more than one shape). */
export function parseBody<T>(body: unknown, schema: ZodType<T>): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // zod's own words for a body that is `"text"` or `[]` would not tell the client what to send.
    if (issue?.path.length === 0 && issue.code === "invalid_type") throw new AppError("INVALID", "The request body must be a JSON object.");
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new AppError("INVALID", `${where}${issue?.message ?? "invalid input"}`);
  }
  return parsed.data;
}

export function requireActor(actor: TActor | null, what: string): TActor {
  if (!actor) throw new AppError("UNAUTHORIZED", `Sign in or send an API token to ${what}.`);
  return actor;
}

function tooLarge(maxBytes: number): AppError {
  // Limits under a megabyte (an interact update's 256 KB) in KB: rounded to MB they read "0 MB".
  const MB = 1024 * 1024;
  const limit = maxBytes >= MB ? `${Math.round(maxBytes / MB)} MB` : `${Math.round(maxBytes / 1024)} KB`;
  return new AppError("TOO_LARGE", `The request body is larger than ${limit}.`);
}

async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    // fatal: a body that is not UTF-8 is not JSON either, rather than silently mangled text.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("BAD_REQUEST", "The request body must be JSON (UTF-8).");
  }
}
