"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useSession } from "next-auth/react";
import { apiError } from "./run-api";

/**
 * The owner's "Precompute interacts" (lib/interacts/precompute-interacts.ts): runs every
 * combination of the revision's interacts' controls once, so readers play them with no session;
 * and "Remove precomputed" when there is a precomputation. Nobody else sees it (the page is
 * cached for everyone, so who is looking is decided here).
 */
export function PrecomputeButton({ owner, slug, rev, present }: { owner: string; slug: string; rev: string; present: boolean }) {
  const { data } = useSession();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  if (data?.user?.username !== owner) return null;
  const url = `/api/v1/snippets/${encodeURIComponent(owner)}/${encodeURIComponent(slug)}/static`;

  async function precompute() {
    setBusy(true);
    setMessage({ error: false, text: "Running every combination of the controls… (up to a few minutes)" });
    try {
      const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ rev }) });
      const json: unknown = await res.json().catch(() => null);
      if (!res.ok) {
        setMessage({ error: true, text: apiError(res, json).message });
        return;
      }
      const done = json as { interacts: { name: string; frames: number }[]; skipped: { name: string; reason: string }[] };
      const frames = done.interacts.reduce((n, x) => n + x.frames, 0);
      const skipped = done.skipped.map((x) => ` ${x.name} stays live: ${x.reason}.`).join("");
      setMessage({
        error: false,
        text: `Precomputed ${done.interacts.length} interact${done.interacts.length === 1 ? "" : "s"} (${frames} results).${skipped}`,
      });
      router.refresh();
    } catch {
      setMessage({ error: true, text: "The server did not answer; try again." });
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    const res = await fetch(`${url}?rev=${rev}`, { method: "DELETE" }).catch(() => null);
    setBusy(false);
    setMessage(res?.ok ? { error: false, text: "Removed: readers now press Run." } : { error: true, text: "Could not remove it; try again." });
    if (res?.ok) router.refresh();
  }

  return (
    <span className="precompute">
      <button
        type="button"
        className="button"
        disabled={busy}
        onClick={() => void precompute()}
        title="Run every combination of the interacts' controls once, so readers can play them without a live session"
      >
        {busy ? "Precomputing…" : present ? "Precompute again" : "Precompute interacts"}
      </button>
      {present ? (
        <button type="button" className="button button--quiet" disabled={busy} onClick={() => void remove()}>
          Remove precomputed
        </button>
      ) : null}
      {message ? (
        <span className={message.error ? "precompute__message precompute__message--error" : "precompute__message"} role={message.error ? "alert" : "status"}>
          {message.text}
        </span>
      ) : null}
    </span>
  );
}
