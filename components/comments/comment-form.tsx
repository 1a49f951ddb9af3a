"use client";

import Link from "@/components/link";
import { useSession } from "next-auth/react";
import { useId, useState, type FormEvent } from "react";

/** Props of {@link CommentForm}. */
export type CommentFormProps = {
  /** Saves the text; resolves to an error message, or null when saved. */
  onSubmit: (body: string) => Promise<string | null>;
  onCancel?: () => void;
  initial?: string;
  label: string;
  submitLabel: string;
  autoFocus?: boolean;
};

const MAX_LENGTH = 10_000;

/**
 * A comment's text box: Markdown with $math$, sent with the button or Ctrl/⌘+Enter. Signed-out
 * readers get a link to sign in instead (the page is the same for everyone, so this is decided here).
 */
export function CommentForm({ onSubmit, onCancel, initial = "", label, submitLabel, autoFocus }: CommentFormProps) {
  const { status } = useSession();
  const id = useId();
  const [body, setBody] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (status === "loading") return null;
  if (status === "unauthenticated") {
    const back = typeof window === "undefined" ? "/" : window.location.pathname;
    return (
      <p className="comment-signin">
        <Link href={`/signin?callbackUrl=${encodeURIComponent(back)}`}>Sign in</Link> to comment.
        {onCancel ? (
          <>
            {" "}
            <button type="button" className="button button--quiet button--small" onClick={onCancel}>
              Close
            </button>
          </>
        ) : null}
      </p>
    );
  }

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (busy || !body.trim()) return;
    setBusy(true);
    setError(null);
    const problem = await onSubmit(body);
    setBusy(false);
    if (problem) setError(problem);
    else if (!initial) setBody("");
  }

  return (
    <form className="comment-form" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <textarea
        id={id}
        className="input"
        value={body}
        maxLength={MAX_LENGTH}
        rows={3}
        placeholder="Markdown and $math$ work here"
        autoFocus={autoFocus}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void submit();
          if (e.key === "Escape" && onCancel) onCancel();
        }}
      />
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
      <div className="comment-form__actions">
        {onCancel ? (
          <button type="button" className="button button--small" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="button button--primary button--small" disabled={busy || !body.trim()}>
          {busy ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
