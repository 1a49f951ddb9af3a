import { countHit, newVisitorId, visitorCookieOf, VISITOR_COOKIE } from "@/lib/snippets/count-hit";
import { clientAddress } from "@/lib/auth/rate-limit";
import { api } from "../../../../_lib/respond";

type TParams = { owner: string; slug: string };

/**
 * The snippet page's view beacon (the page is cached, so the server does not see views).
 * Counts once per visitor and day, never the owner; answers 204. An anonymous visitor without
 * the visitor cookie (and no address from a trusted proxy) gets one (random, a year, nothing
 * else in it) and a 202 asking to send again: a client that drops cookies is never counted,
 * rather than counted on every request. A request sent by another site is not counted.
 */
export const POST = api<TParams>(async (request, { params, actor }) => {
  const site = request.headers.get("sec-fetch-site");
  const headers = new Headers({ "Cache-Control": "no-store" });
  if (site !== null && site !== "same-origin") return new Response(null, { status: 204, headers });
  const cookie = visitorCookieOf(request.headers);
  const address = clientAddress(request.headers);
  if (!actor && !cookie && !address) {
    const secure = new URL(request.url).protocol === "https:" ? "; Secure" : "";
    headers.append("Set-Cookie", `${VISITOR_COOKIE}=${newVisitorId()}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly${secure}`);
    return new Response(null, { status: 202, headers });
  }
  await countHit({ owner: params.owner, slug: params.slug, kind: "view", visitor: { actor, cookie, address } });
  return new Response(null, { status: 204, headers });
});
