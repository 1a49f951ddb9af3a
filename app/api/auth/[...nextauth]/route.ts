import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";

function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  // next-auth v4's App Router handler reads `params.nextauth` synchronously; Next 16 gives a promise.
  return ctx.params.then((params) => (NextAuth(getAuthOptions()) as (r: Request, c: { params: { nextauth: string[] } }) => Promise<Response>)(req, { params }));
}

export { handler as GET, handler as POST };
