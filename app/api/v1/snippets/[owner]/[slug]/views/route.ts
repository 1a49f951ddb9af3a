import { clientAddress } from "@/lib/auth/client-address";
import { countHit } from "@/lib/snippets/count-hit";
import { api } from "../../../../_lib/respond";

type TParams = { owner: string; slug: string };

/**
 * The snippet page's view beacon (the page is cached, so the server does not see views).
 * Counts once per visitor (user, else client address) and day, never the owner; answers 204.
 * A request sent by another site is not counted.
 */
export const POST = api<TParams>(async (request, { params, actor }) => {
  const site = request.headers.get("sec-fetch-site");
  const headers = new Headers({ "Cache-Control": "no-store" });
  if (site !== null && site !== "same-origin") return new Response(null, { status: 204, headers });
  await countHit({ owner: params.owner, slug: params.slug, kind: "view", visitor: { actor, address: clientAddress(request.headers) } });
  return new Response(null, { status: 204, headers });
});
