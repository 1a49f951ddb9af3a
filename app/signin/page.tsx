import type { Metadata } from "next";
import Link from "@/components/link";
import { oauthProviders } from "@/lib/auth/options";
import { SignInForm } from "@/components/forms/signin-form";
import { safeCallbackUrl } from "@/app/_forms/callback-url";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<{ callbackUrl?: string; error?: string }> };

export default async function SignInPage({ searchParams }: Props) {
  const q = await searchParams;
  const callbackUrl = safeCallbackUrl(q.callbackUrl);
  return (
    <div className="page-narrow auth-page">
      <h1>Sign in</h1>
      {q.error ? (
        <p className="flash flash-error" role="alert">
          {q.error === "CredentialsSignin" ? "That username and password don't match an account." : "Signing in failed. Try again."}
        </p>
      ) : null}
      <SignInForm mode="signin" callbackUrl={callbackUrl} providers={oauthProviders()} />
      <p>
        New here? <Link href={`/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Create an account</Link>.
      </p>
      <noscript>
        <p className="flash">Signing in needs JavaScript. Reading snippets works without it.</p>
      </noscript>
    </div>
  );
}
