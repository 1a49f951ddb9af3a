"use client";

import { useEffect } from "react";

/**
 * Counts a view of a cached snippet page: one small POST after the page loaded (the server never
 * sees cached views). The server counts a visitor once a day and never the owner.
 */
export function ViewBeacon({ owner, slug }: { owner: string; slug: string }) {
  useEffect(() => {
    const url = `/api/v1/snippets/${encodeURIComponent(owner)}/${encodeURIComponent(slug)}/views`;
    fetch(url, { method: "POST", keepalive: true, credentials: "same-origin" }).catch(() => undefined);
  }, [owner, slug]);
  return null;
}
