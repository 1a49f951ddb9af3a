"use client";

import { useState } from "react";
import { signIn } from "next-auth/react";

type Props = {
  mode: "signin" | "signup";
  callbackUrl: string;
  providers: { id: string; name: string }[];
};

/** Messages next-auth puts in `?error=` or returns, in plain words. */
function explain(code: string | null | undefined): string | null {
  if (!code) return null;
  if (code === "CredentialsSignin") return "That username and password don't match an account.";
  if (code === "OAuthAccountNotLinked" || code === "OAuthCallback" || code === "OAuthSignin") return "Signing in with that provider failed. Try again.";
  return code.startsWith("Too many") ? code : "Signing in failed. Try again.";
}

/** Sign in, or create an account and sign in, with a username and password (or OAuth). */
export function SignInForm({ mode, callbackUrl, providers }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(form: FormData) {
    setPending(true);
    setError(null);
    const username = String(form.get("username") ?? "");
    const password = String(form.get("password") ?? "");
    try {
      if (mode === "signup") {
        const res = await fetch("/api/v1/users", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username, password }),
        });
        if (!res.ok) {
          const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
          setError(body?.error?.message ?? "Could not create the account.");
          return;
        }
      }
      const result = await signIn("credentials", { username, password, redirect: false, callbackUrl });
      if (!result || result.error) {
        setError(explain(result?.error ?? "CredentialsSignin"));
        return;
      }
      window.location.assign(result.url ?? callbackUrl);
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="auth-box">
      {/* onSubmit rather than a form action: React resets a form after its action, and a
          mistyped password must not cost the username too. */}
      <form
        className="auth-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(new FormData(event.currentTarget));
        }}
      >
        {error ? (
          <p className="flash flash-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="username">Username</label>
          <input id="username" name="username" autoComplete="username" required autoCapitalize="none" spellCheck={false} maxLength={39} />
          {mode === "signup" ? <p className="hint">Lower-case letters, digits and dashes; it becomes your address, e.g. /ada.</p> : null}
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            required
            minLength={mode === "signup" ? 8 : undefined}
            autoComplete={mode === "signup" ? "new-password" : "current-password"}
          />
          {mode === "signup" ? <p className="hint">At least 8 characters.</p> : null}
        </div>
        <button type="submit" className="button button-primary" disabled={pending}>
          {mode === "signup" ? (pending ? "Creating account…" : "Sign up") : pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {providers.length > 0 ? (
        <div className="oauth">
          <p className="muted">or</p>
          {providers.map((p) => (
            <button key={p.id} type="button" className="button" onClick={() => void signIn(p.id, { callbackUrl })}>
              Continue with {p.name}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
