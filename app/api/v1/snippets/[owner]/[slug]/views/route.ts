import { countHit, newVisitorId, visitorCookieOf, VISITOR_COOKIE } from "@/lib/snippets/count-hit";
import { clientAddress } from "@/lib/auth/rate-limit";
import { api } from "../../../../_lib/respond";

type TParams = { owner: string; slug: string };

/**
 * The snippet page's view beacon (the page is cached, so the server does not see views).
 * Counts once per visitor and day, never the owner; answers 204 either way. A visitor without
 * the visitor cookie gets one (random, a year, nothing else in it). A request sent by another
 * site is not counted: views come from the page itself.
 */
export const POST = api<TParams>(async (request, { params, actor }) => {
  const site = request.headers.get("sec-fetch-site");
  const headers = new Headers({ "Cache-Control": "no-store" });
  if (site !== null && site !== "same-origin") return new Response(null, { status: 204, headers });
  let cookie = visitorCookieOf(request.headers);
  if (!actor && !cookie) {
    cookie = newVisitorId();
    headers.append("Set-Cookie", `${VISITOR_COOKIE}=${cookie}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly${new URL(request.url).protocol === "https:" ? "; Secure" : ""}`);
  }
  await countHit({ owner: params.owner, slug: params.slug, kind: "view", visitor: { actor, cookie, address: clientAddress(request.headers) } });
  return new Response(null, { status: 204, headers });
});
