"use client";

import "katex/dist/katex.min.css";
import Link from "@/components/link";
import { useSession } from "next-auth/react";
import { flushSync } from "react-dom";
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { MAX_COMMENT_LENGTH } from "@/lib/comments/schema";
import { fetchCommentPreview } from "./comments-store";

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

type TTab = "write" | "preview";
const TABS: { tab: TTab; name: string }[] = [
  { tab: "write", name: "Write" },
  { tab: "preview", name: "Preview" },
];

/** The server's rendering of `text`: pending until `html` or `error` arrives. */
type TPreview = { text: string; html?: string; error?: string };

/**
 * A comment's text box: Markdown with $math$, sent with the button or Ctrl/⌘+Enter, with Write /
 * Preview tabs. Preview shows the text as the server renders a posted comment (same renderer,
 * same sanitiser, same classes as CommentItem), so what the writer sees is what readers will.
 * The text box stays mounted while previewing: the text, its undo history and size are kept.
 * Signed-out readers get a link to sign in instead (the page is the same for everyone, so this
 * is decided here).
 */
export function CommentForm({ onSubmit, onCancel, initial = "", label, submitLabel, autoFocus }: CommentFormProps) {
  const { status } = useSession();
  const id = useId();
  const [body, setBody] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [tab, setTab] = useState<TTab>("write");
  const [preview, setPreview] = useState<TPreview | null>(null);
  // The preview is at least as tall as the text box was, so the buttons below stay where they were.
  const [boxHeight, setBoxHeight] = useState<number | undefined>(undefined);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const tabs = useRef(new Map<TTab, HTMLButtonElement>());

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
    else if (!initial) {
      setBody("");
      setTab("write");
    }
  }

  /** Shows `next`; Preview asks the server to render the text unless this very text is rendered already. */
  function show(next: TTab) {
    if (tab === "write" && textarea.current) setBoxHeight(textarea.current.offsetHeight);
    setTab(next);
    if (next !== "preview" || !body.trim() || (preview?.text === body && preview.error === undefined)) return;
    const text = body;
    setPreview({ text });
    void fetchCommentPreview(text).then((answer) => {
      // An answer for text since changed (and previewed again) is dropped.
      setPreview((current) => (current?.text === text ? { text, ...answer } : current));
    });
  }

  /** Arrow keys, Home and End move between the tabs and select them (WAI-ARIA tabs, automatic activation). */
  function onTabKey(event: KeyboardEvent<HTMLButtonElement>) {
    const at = TABS.findIndex((t) => t.tab === tab);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: TABS.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = TABS[(to + TABS.length) % TABS.length]?.tab ?? "write";
    show(next);
    tabs.current.get(next)?.focus();
  }

  const shown = preview?.text === body ? preview : null;
  return (
    <form
      className="comment-form"
      onSubmit={submit}
      // Escape cancels from anywhere in the form: the text box, the tabs or the preview.
      onKeyDown={(e) => {
        if (e.key === "Escape" && onCancel) onCancel();
      }}
    >
      <div className="comment-form__tabs" role="tablist" aria-label={`${label}: write or preview`}>
        {TABS.map(({ tab: t, name }) => (
          <button
            key={t}
            ref={(el) => {
              if (el) tabs.current.set(t, el);
              else tabs.current.delete(t);
            }}
            type="button"
            role="tab"
            id={`${id}-${t}-tab`}
            className="comment-form__tab"
            aria-selected={tab === t}
            aria-controls={`${id}-${t}`}
            tabIndex={tab === t ? 0 : -1}
            onClick={() => {
              // Rendered at once: the text box can take focus only once it is no longer hidden.
              flushSync(() => show(t));
              if (t === "write") textarea.current?.focus();
            }}
            onKeyDown={onTabKey}
          >
            {name}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-write`} aria-labelledby={`${id}-write-tab`} hidden={tab !== "write"}>
        <label htmlFor={id} className="visually-hidden">
          {label}
        </label>
        <textarea
          ref={textarea}
          id={id}
          className="input"
          value={body}
          maxLength={MAX_COMMENT_LENGTH}
          rows={3}
          placeholder="Markdown and $math$ work here"
          autoFocus={autoFocus}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => setBody(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void submit();
          }}
        />
      </div>
      <div
        role="tabpanel"
        id={`${id}-preview`}
        aria-labelledby={`${id}-preview-tab`}
        className="comment-form__preview"
        style={boxHeight ? { minHeight: boxHeight } : undefined}
        // Focusable so keyboard users can reach (and scroll) what it shows.
        tabIndex={0}
        aria-busy={tab === "preview" && body.trim() !== "" && !shown?.html && !shown?.error ? true : undefined}
        hidden={tab !== "preview"}
      >
        {tab !== "preview" ? null : !body.trim() ? (
          <p className="comment-form__note">Nothing to preview</p>
        ) : shown?.error !== undefined ? (
          <p className="field-error" role="alert">
            {shown.error}
          </p>
        ) : shown?.html !== undefined ? (
          // Rendered with KaTeX and sanitised on the server (lib/comments/preview-comment.ts), as a posted comment is.
          <div className="prose comment__body" dangerouslySetInnerHTML={{ __html: shown.html }} />
        ) : (
          <p className="comment-form__note">Loading preview…</p>
        )}
      </div>
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
