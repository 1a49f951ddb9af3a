import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GitLabProvider from "next-auth/providers/gitlab";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { findOrCreateOAuthUser } from "@/lib/users/find-or-create-oauth-user";
import { clientAddress } from "./client-address";
import { signInWithPassword } from "./sign-in";

/*
 * next-auth v4 (4.24): the stable line, known to work with Next 16 here. v5 is still a beta
 * that must be pinned and got its own URLs wrong behind 127.0.0.1 (MissingCSRF), see
 * shared/notes/stack.md. Sessions are JWTs (Credentials requires it), carrying id and username.
 */

declare module "next-auth" {
  interface Session {
    user: { id: string; username: string; name?: string | null };
  }
  interface User {
    id: string;
    username?: string;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    username?: string;
  }
}

let cached: NextAuthOptions | undefined;

export function getAuthOptions(): NextAuthOptions {
  if (cached) return cached;
  const env = getEnv();
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      name: "username and password",
      credentials: {
        username: { label: "Username", type: "text" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, req) {
        const username = (credentials?.username ?? "").trim().toLowerCase();
        const password = credentials?.password ?? "";
        if (!username || !password) return null;
        let user: Awaited<ReturnType<typeof signInWithPassword>>;
        try {
          user = await signInWithPassword({ username, password, address: clientAddress(req.headers) });
        } catch (e) {
          // next-auth v4 shows the thrown message as the error in the callback URL.
          if (isAppError(e)) throw new Error(e.message);
          throw e;
        }
        return user ? { id: user.id, username: user.username, name: user.username } : null;
      },
    }),
  ];
  if (env.github) providers.push(GitHubProvider({ clientId: env.github.id, clientSecret: env.github.secret }));
  if (env.gitlab) {
    providers.push(
      GitLabProvider({
        clientId: env.gitlab.id,
        clientSecret: env.gitlab.secret,
        authorization: { url: `${env.gitlab.url}/oauth/authorize`, params: { scope: "read_user" } },
        token: `${env.gitlab.url}/oauth/token`,
        userinfo: `${env.gitlab.url}/api/v4/user`,
      }),
    );
  }

  cached = {
    secret: env.authSecret,
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/signin", error: "/signin" },
    providers,
    callbacks: {
      async signIn({ user, account, profile }) {
        if (!account || account.provider === "credentials") return true;
        const p = (profile ?? {}) as { login?: string; username?: string; email?: string; name?: string };
        const linked = await findOrCreateOAuthUser({
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          preferredUsername: p.login ?? p.username ?? user.name ?? "user",
          ...(p.email ? { email: p.email } : {}),
          ...(p.name ? { name: p.name } : {}),
        });
        user.id = linked.id;
        user.username = linked.username;
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.username = user.username ?? token.username;
        }
        return token;
      },
      async session({ session, token }) {
        if (token.uid && token.username) session.user = { id: token.uid, username: token.username, name: token.username };
        return session;
      },
    },
  };
  return cached;
}

/** Which OAuth providers are switched on, for the sign-in page. */
export function oauthProviders(): { id: "github" | "gitlab"; name: string }[] {
  const env = getEnv();
  return [...(env.github ? [{ id: "github" as const, name: "GitHub" }] : []), ...(env.gitlab ? [{ id: "gitlab" as const, name: "GitLab" }] : [])];
}
