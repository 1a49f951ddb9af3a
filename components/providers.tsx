"use client";

import type { ReactNode } from "react";
import { SessionProvider } from "next-auth/react";

/** Client-side context for the whole site: the session, fetched once per page load. */
export function Providers({ children }: { children: ReactNode }) {
  return <SessionProvider refetchOnWindowFocus={false}>{children}</SessionProvider>;
}
