import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Packages with native bits, wasm or dynamic requires stay outside the server bundle.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "pglite-prisma-adapter",
    "@prisma/adapter-pg",
    "pg",
    "isomorphic-git",
    "shiki",
    "yazl",
  ],
  poweredByHeader: false,
  // SageMathCell's script name: pages written for it work by changing only the host (public/embed.js).
  rewrites: async () => [{ source: "/embed_sagecell.js", destination: "/embed.js" }],
  // proxy.ts sets the security headers of pages and routes; Next's own hashed files skip it.
  headers: async () => [{ source: "/_next/static/:path*", headers: [{ key: "X-Content-Type-Options", value: "nosniff" }] }],
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
};

export default nextConfig;
