"use client";

import { useEffect, useSyncExternalStore } from "react";
import type { TComment } from "@/lib/comments/internal";

/*
 * The comments of one snippet at one revision, loaded in the browser. The snippet page is
 * cached and the same for every visitor (ISR), so comments are not part of it: they are read
 * from the API after the page loads, which makes a new comment appear at once for its author
 * and the next reader without re-rendering the cached page (and every permalink page) for each
 * comment, and lets the API say who may edit or delete what. The text is still rendered and
 * sanitised on the server: the API sends `html`.
 */

/** A comment as GET /api/v1/snippets/:owner/:slug/comments sends it (see docs/api.md): dates arrive as ISO strings. */
export type TCommentJson = Omit<TComment, "createdAt" | "updatedAt"> & { createdAt: string; updatedAt: string };

export type TTarget = { owner: string; slug: string; rev: string };

type TState = {
  /** Line comments: every page of them, so each line shows its whole thread. */
  lines: TCommentJson[];
  /** Comments on the snippet, a page at a time. */
  general: TCommentJson[];
  nextPage: number | null;
  status: "loading" | "ready" | "failed";
  /** The line a comment is being written on, in one of the files. */
  composing: { path: string; line: number } | null;
};

/** Line comments are read up to this many pages (20 each); past that the thread list says so. */
const MAX_LINE_PAGES = 25;

const stores = new Map<string, Store>();

export function commentsUrl(t: Pick<TTarget, "owner" | "slug">, id?: string): string {
  return `/api/v1/snippets/${encodeURIComponent(t.owner)}/${encodeURIComponent(t.slug)}/comments${id ? `/${encodeURIComponent(id)}` : ""}`;
}

/** The message of an API error answer, or a general one saying what `failed`. */
export async function errorMessage(response: Response, failed = "The comment could not be saved"): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // Not JSON: a proxy's page or a dropped connection.
  }
  return `${failed} (HTTP ${response.status}). Please try again.`;
}

/**
 * A comment's text as posting it would show it, rendered and sanitised by the server
 * (POST /api/v1/markdown, the renderer comments use): its HTML, or a message saying why not.
 */
export async function fetchCommentPreview(text: string): Promise<{ html: string } | { error: string }> {
  try {
    const response = await fetch("/api/v1/markdown", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    if (!response.ok) return { error: await errorMessage(response, "The preview could not be loaded") };
    return (await response.json()) as { html: string };
  } catch {
    // A dropped connection, or a 200 that is not our JSON (a proxy's page): the panel says so
    // instead of showing "Loading preview…" for good.
    return { error: "The preview could not be loaded. Check your connection and try again." };
  }
}

class Store {
  state: TState = { lines: [], general: [], nextPage: null, status: "loading", composing: null };
  private listeners = new Set<() => void>();
  private loading: Promise<void> | null = null;

  constructor(private readonly target: TTarget) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = () => this.state;

  private set(change: Partial<TState>) {
    this.state = { ...this.state, ...change };
    for (const l of this.listeners) l();
  }

  private async page(on: "lines" | "snippet", page: number): Promise<{ items: TCommentJson[]; hasNext: boolean }> {
    const q = new URLSearchParams({ rev: this.target.rev, on, page: String(page) });
    const response = await fetch(`${commentsUrl(this.target)}?${q}`, { cache: "no-store" });
    if (!response.ok) throw new Error(await errorMessage(response));
    return (await response.json()) as { items: TCommentJson[]; hasNext: boolean };
  }

  /**
   * (Re)loads the comments. Every component showing them calls this when it mounts; those of one
   * page mount together and share one load, and coming back to the page later loads afresh.
   */
  start() {
    if (this.loading) return;
    this.loading = (async () => {
      try {
        const [first, general] = await Promise.all([this.page("lines", 1), this.page("snippet", 1)]);
        const lines = [...first.items];
        for (let p = 2, more = first.hasNext; more && p <= MAX_LINE_PAGES; p++) {
          const next = await this.page("lines", p);
          lines.push(...next.items);
          more = next.hasNext;
        }
        this.set({ lines, general: general.items, nextPage: general.hasNext ? 2 : null, status: "ready" });
      } catch {
        if (this.state.status === "loading") this.set({ status: "failed" });
      } finally {
        this.loading = null;
      }
    })();
  }

  async loadMore() {
    if (this.state.nextPage === null) return;
    const next = await this.page("snippet", this.state.nextPage);
    this.set({ general: [...this.state.general, ...next.items], nextPage: next.hasNext ? this.state.nextPage + 1 : null });
  }

  compose(at: { path: string; line: number } | null) {
    this.set({ composing: at });
  }

  /** Posts a comment; resolves to an error message, or null when it was saved (and is now shown). */
  async create(input: { body: string; path?: string; line?: number }): Promise<string | null> {
    const response = await fetch(commentsUrl(this.target), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...input, rev: this.target.rev }),
    });
    if (!response.ok) return errorMessage(response);
    const created = (await response.json()) as TCommentJson;
    if (created.path !== null) this.set({ lines: [...this.state.lines, created], composing: null });
    else this.set({ general: [...this.state.general, created] });
    return null;
  }

  async update(id: string, body: string): Promise<string | null> {
    const response = await fetch(commentsUrl(this.target, id), {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ body }),
    });
    if (!response.ok) return errorMessage(response);
    const updated = (await response.json()) as TCommentJson;
    // The answer places the comment on its own revision; keep where it shows on this one.
    const merge = (c: TCommentJson) => (c.id === id ? { ...c, body: updated.body, html: updated.html, edited: true, updatedAt: updated.updatedAt } : c);
    this.set({ lines: this.state.lines.map(merge), general: this.state.general.map(merge) });
    return null;
  }

  async remove(id: string): Promise<string | null> {
    const response = await fetch(commentsUrl(this.target, id), { method: "DELETE" });
    if (!response.ok && response.status !== 404) return errorMessage(response);
    this.set({ lines: this.state.lines.filter((c) => c.id !== id), general: this.state.general.filter((c) => c.id !== id) });
    return null;
  }
}

/** The one store of `target` in this page. */
export function storeOf(target: TTarget): Store {
  const key = `${target.owner}/${target.slug}@${target.rev}`;
  let store = stores.get(key);
  if (!store) {
    store = new Store(target);
    stores.set(key, store);
  }
  return store;
}

export type TCommentsStore = Store;

const SERVER_STATE: TState = { lines: [], general: [], nextPage: null, status: "loading", composing: null };

/** The comments of `target`, loading them on first use. */
export function useComments(target: TTarget): [TState, Store] {
  const store = storeOf(target);
  useEffect(() => store.start(), [store]);
  const state = useSyncExternalStore(store.subscribe, store.snapshot, () => SERVER_STATE);
  return [state, store];
}
