import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { PEER_HEADER } from "@/lib/auth/peer-header";
import { getEnv } from "@/lib/env";
import { ZSharedScope } from "@/lib/exec/protocol";
import { handleSharedRequest } from "./handle-shared-request";

/**
 * The site's side of the execution service's `shared` requests (docs/exec.md section 5,
 * "Wiring"): `POST /api/internal/shared` with `{scope, request}` answers handleSharedRequest's
 * reply. The execution service is another process (scripts/start.ts), and with the embedded
 * database only this process can open it, so the service asks here. Only it may:
 * - the route exists only when EXEC_SITE_TOKEN is set (else 404, as for any unknown path);
 * - the request must come from a loopback socket (the peer our web server stamps,
 *   lib/auth/peer-header.ts), every X-Forwarded-For entry must be a loopback address too (Next
 *   sets the header to the socket's address when it is absent; a reverse proxy on this machine
 *   passing on an outside request adds the outside address), and it has no Forwarded header:
 *   else 403;
 * - `Authorization: Bearer <EXEC_SITE_TOKEN>`, compared in constant time: else 401.
 * The scope is trusted because only the service knows the token, and the service takes it from
 * the session (the site resolved it at the session's creation), never from the cell.
 */

/** A value of 1 MB as JSON, base64'd arrays and the scope: the service's request limit bounds it too. */
const MAX_BODY_BYTES = 5 << 20;

const ZBody = z.strictObject({ scope: ZSharedScope, request: z.unknown() });

export async function answerInternalSharedRequest(request: Request): Promise<Response> {
  const token = getEnv().exec.site?.token;
  if (!token) return refusal(404, "NOT_FOUND", "Not found.");
  const peer = request.headers.get(PEER_HEADER)?.trim() ?? "";
  const forwardedFor = (request.headers.get("x-forwarded-for") ?? "").split(",").map((a) => a.trim());
  if (!isLoopback(peer) || !forwardedFor.every((a) => a === "" || isLoopback(a)) || request.headers.has("forwarded")) {
    return refusal(403, "FORBIDDEN", "This route answers the execution service on this machine only.");
  }
  const given = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  if (!sameSecret(given, token)) return refusal(401, "UNAUTHORIZED", "A valid execution service token is required.");

  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) return refusal(413, "TOO_LARGE", `The body is more than ${MAX_BODY_BYTES} bytes.`);
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return refusal(413, "TOO_LARGE", `The body is more than ${MAX_BODY_BYTES} bytes.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return refusal(400, "INVALID", "The body is not JSON.");
  }
  const body = ZBody.safeParse(json);
  if (!body.success)
    return refusal(400, "INVALID", `Bad body: ${body.error.issues[0]?.path.join(".") || "body"}: ${body.error.issues[0]?.message ?? "invalid"}`);
  return Response.json(await handleSharedRequest({ scope: body.data.scope, request: body.data.request }));
}

function refusal(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/** Equal secrets, in time independent of where they differ (both hashed to the same length first). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b) && given.length > 0;
}

function isLoopback(address: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(address) || /^::ffff:127\.\d+\.\d+\.\d+$/i.test(address) || address === "::1";
}
