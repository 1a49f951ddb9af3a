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
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
};

export default nextConfig;
