import Link from "@/components/link";

import { AccountMenu } from "./account-menu";
import { SearchBox } from "./search/search-box";

/**
 * The bar at the top of every page: site name, main navigation and the account links (filled
 * in by the browser, so the page around them can be cached for everyone).
 */
export function SiteHeader() {
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
          <Link href="/tags">Tags</Link>
          <Link href="/cell">Run code</Link>
          <Link href="/new">New snippet</Link>
        </nav>
        <SearchBox />
        <nav aria-label="Account" className="site-header__account">
          <AccountMenu />
          <noscript>
            <Link href="/signin">Sign in</Link>
          </noscript>
        </nav>
      </div>
    </header>
  );
}
