import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";

import { SiteHeader } from "@/components/site-header";
import { Providers } from "@/components/providers";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Cellar", template: "%s · Cellar" },
  description: "A library of runnable code snippets for mathematicians and teachers.",
  icons: { icon: { url: "/favicon.svg", type: "image/svg+xml" } },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#161b22" },
  ],
};

/**
 * The page frame: header, main content, footer. Every page is rendered per request: proxy.ts
 * gives each response a fresh script nonce in its Content-Security-Policy, and Next puts that
 * nonce on its inline scripts only while rendering; a page cached at build time or by ISR would
 * carry none (or a stale one) and its scripts would be blocked.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body>
        <Providers>
          <a href="#main" className="skip-link">
            Skip to content
          </a>
          <SiteHeader />
          <main id="main" className="site-main">
            {children}
          </main>
          <footer className="site-footer">Cellar · runnable snippets for mathematics and teaching</footer>
        </Providers>
      </body>
    </html>
  );
}
