"use client";

import Link from "@/components/link";
import { useSession } from "next-auth/react";
import { SignOutButton } from "./sign-out-button";

/**
 * The account links of the header. Pages are cached and the same for everyone, so the
 * browser asks who is signed in (next-auth's session endpoint) and fills this in.
 */
export function AccountMenu() {
  const { data, status } = useSession();
  if (status === "loading") return <span className="site-header__pending" aria-hidden="true" />;
  const username = data?.user?.username;
  if (username) {
    return (
      <>
        <Link href={`/${encodeURIComponent(username)}`} className="site-header__user">
          {username}
        </Link>
        <Link href="/settings/tokens">Tokens</Link>
        <SignOutButton />
      </>
    );
  }
  return (
    <>
      <Link href="/signin">Sign in</Link>
      <Link href="/signup" className="button button--primary button--small">
        Sign up
      </Link>
    </>
  );
}
