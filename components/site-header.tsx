import Link from "next/link";

import { SignOutButton } from "./sign-out-button";

/** Props of {@link SiteHeader}. */
export type SiteHeaderProps = {
  /** The signed-in user, or null for a visitor. */
  user: { username: string } | null;
};

/** The bar at the top of every page: site name, main navigation and the account links. */
export function SiteHeader({ user }: SiteHeaderProps) {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link href="/" className="site-header__brand">
          <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" className="site-header__logo">
            <path
              d="M5 3h14v4a7 7 0 0 1-14 0V3Zm7 11v5m-4 2h8"
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          Cellar
        </Link>
        <nav aria-label="Main" className="site-header__nav">
          <Link href="/">Explore</Link>
          <Link href="/new">New snippet</Link>
        </nav>
        <nav aria-label="Account" className="site-header__account">
          {user ? (
            <>
              <Link href={`/${encodeURIComponent(user.username)}`} className="site-header__user">
                {user.username}
              </Link>
              <Link href="/settings/tokens">Tokens</Link>
              <SignOutButton />
            </>
          ) : (
            <>
              <Link href="/signin">Sign in</Link>
              <Link href="/signup" className="button button--primary button--small">
                Sign up
              </Link>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}
