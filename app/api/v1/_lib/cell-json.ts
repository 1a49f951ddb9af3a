import type { TCellLink } from "@/lib/cells/create-cell-link";
import { absoluteUrl } from "./urls";

/** A short link in API answers: what it holds and the /cell address that opens it. */
export function cellLinkJson(request: Request, link: TCellLink) {
  return {
    id: link.id,
    code: link.code,
    kernel: link.kernel,
    interacts: link.interacts,
    createdAt: link.createdAt.toISOString(),
    url: absoluteUrl(request, `/cell?q=${link.id}`),
  };
}
