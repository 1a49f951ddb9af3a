"use client";

import { signOut } from "next-auth/react";
import { useState, type MouseEvent } from "react";

/**
 * "Sign out" for the site header. It is a link to next-auth's sign-out page, so that it works with
 * JavaScript off (that page asks for confirmation); with JavaScript it signs out in place.
 */
export function SignOutButton({ className }: { className?: string }) {
  const [pending, setPending] = useState(false);

  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    // Let modified clicks (new tab, etc.) reach the fallback page as the user asked.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    setPending(true);
    signOut({ callbackUrl: "/" }).catch(() => {
      // The session could not be ended from here; the fallback page will say why. A full page
      // load on purpose: it is next-auth's page (a route handler), not one of ours.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.assign("/api/auth/signout");
    });
  }

  return (
    // A plain link on purpose: next-auth's sign-out page is a route handler, and it must work without JavaScript.
    // eslint-disable-next-line @next/next/no-html-link-for-pages
    <a href="/api/auth/signout" className={className} onClick={handleClick} aria-disabled={pending || undefined}>
      {pending ? "Signing out…" : "Sign out"}
    </a>
  );
}
