"use client";

import { useEffect } from "react";

/**
 * Counts a view of a cached snippet page: one small POST after the page loaded (the server never
 * sees cached views). The server counts a visitor once a day and never the owner; a first-time
 * visitor is answered 202 with a visitor cookie, and the beacon is sent once more with it.
 */
export function ViewBeacon({ owner, slug }: { owner: string; slug: string }) {
  useEffect(() => {
    const url = `/api/v1/snippets/${encodeURIComponent(owner)}/${encodeURIComponent(slug)}/views`;
    const send = () => fetch(url, { method: "POST", keepalive: true, credentials: "same-origin" });
    send()
      .then((r) => (r.status === 202 ? send() : r))
      .catch(() => undefined);
  }, [owner, slug]);
  return null;
}
