import type { Metadata } from "next";
import Link from "@/components/link";
import { oauthProviders } from "@/lib/auth/options";
import { SignInForm } from "@/components/forms/signin-form";
import { safeCallbackUrl } from "@/app/_forms/callback-url";

export const metadata: Metadata = { title: "Sign up" };

type Props = { searchParams: Promise<{ callbackUrl?: string }> };

export default async function SignUpPage({ searchParams }: Props) {
  const callbackUrl = safeCallbackUrl((await searchParams).callbackUrl);
  return (
    <div className="page-narrow auth-page">
      <h1>Create your account</h1>
      <SignInForm mode="signup" callbackUrl={callbackUrl} providers={oauthProviders()} />
      <p>
        Already have one? <Link href={`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Sign in</Link>.
      </p>
    </div>
  );
}
