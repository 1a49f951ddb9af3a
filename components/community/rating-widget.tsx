"use client";

import Link from "@/components/link";
import { useEffect, useState } from "react";
import { useSession } from "next-auth/react";

type TState = { average: number | null; count: number; mine: number | null };

/**
 * The snippet's rating, and five star buttons for signed-in readers (not the owner). The page is
 * cached for everyone, so the reader's own rating is fetched here; picking a star saves it at
 * once, picking the same star again takes it back.
 */
export function RatingWidget({ owner, slug, average, count }: { owner: string; slug: string; average: number | null; count: number }) {
  const { data: session, status } = useSession();
  const me = session?.user?.username;
  const [state, setState] = useState<TState>({ average, count, mine: null });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const url = `/api/v1/snippets/${encodeURIComponent(owner)}/${encodeURIComponent(slug)}/rating`;

  useEffect(() => {
    if (!me) return;
    let live = true;
    fetch(url, { cache: "no-store" })
      .then((r) => (r.ok ? (r.json() as Promise<TState>) : null))
      .then((s) => {
        if (live && s) setState(s);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [me, url]);

  async function rate(stars: number) {
    setBusy(true);
    setError(null);
    try {
      const taking = state.mine === stars;
      const res = await fetch(
        url,
        taking ? { method: "DELETE" } : { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ stars }) },
      );
      const body = (await res.json()) as TState | { error: { message: string } };
      if ("error" in body) setError(body.error.message);
      else setState(body);
    } catch {
      setError("Could not save your rating. Try again.");
    } finally {
      setBusy(false);
    }
  }

  const summary = state.average === null ? "Not rated yet" : `${state.average.toFixed(1)} of 5 (${state.count} ${state.count === 1 ? "rating" : "ratings"})`;
  const canRate = status === "authenticated" && me !== undefined && me !== owner;
  return (
    <div className="rating-widget">
      <span className="rating-widget__summary" aria-live="polite">
        <span className="rating-stars__star" aria-hidden="true">
          ★
        </span>{" "}
        <span data-testid="rating-summary">{summary}</span>
      </span>
      {canRate ? (
        <span role="group" aria-label="Your rating" className="rating-widget__stars">
          {[1, 2, 3, 4, 5].map((n) => (
            <button
              key={n}
              type="button"
              className={state.mine !== null && n <= state.mine ? "star star--on" : "star"}
              aria-pressed={state.mine === n}
              aria-label={`${n} ${n === 1 ? "star" : "stars"}${state.mine === n ? " (your rating; press to take it back)" : ""}`}
              disabled={busy}
              onClick={() => void rate(n)}
            >
              ★
            </button>
          ))}
        </span>
      ) : status === "unauthenticated" ? (
        <Link href={`/signin?callbackUrl=${encodeURIComponent(`/${owner}/${slug}`)}`} className="rating-widget__signin">
          Sign in to rate
        </Link>
      ) : null}
      {error ? (
        <span role="alert" className="rating-widget__error">
          {error}
        </span>
      ) : null}
    </div>
  );
}
