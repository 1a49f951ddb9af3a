import type { ReactNode } from "react";

export const metadata = { title: { default: "Cellar", template: "%s · Cellar" } };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header>Cellar</header>
        <main>{children}</main>
      </body>
    </html>
  );
}
