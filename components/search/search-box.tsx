"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useState } from "react";
import type { TSuggestions } from "@/lib/search/types";
import "./search.css";

/** Wait after the last keystroke before asking, so fast typing sends one request. */
const DEBOUNCE_MS = 120;

type TOption = { key: string; href: string; label: string; detail: string };

function optionsOf(s: TSuggestions): { snippets: TOption[]; tags: TOption[] } {
  return {
    snippets: s.snippets.map((x) => ({ key: `s:${x.url}`, href: x.url, label: x.title, detail: x.owner })),
    tags: s.tags.map((t) => ({
      key: `t:${t.name}`,
      href: `/search?tag=${encodeURIComponent(t.name)}`,
      label: t.name,
      detail: "tag",
    })),
  };
}

/**
 * The header's search box: a plain GET form to /search (works without JavaScript) that, as the
 * user types, lists matching snippet titles and tags below it (an ARIA combobox: arrows move,
 * Enter opens the highlighted one or searches, Escape closes). Suggestions are text rendered by
 * React, so titles and tags are escaped.
 */
export function SearchBox() {
  const router = useRouter();
  const listId = useId();
  const [q, setQ] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [found, setFound] = useState<{ snippets: TOption[]; tags: TOption[] }>({ snippets: [], tags: [] });

  useEffect(() => {
    const text = q.trim();
    if (text === "") {
      setFound({ snippets: [], tags: [] });
      return;
    }
    // A newer q aborts this request (the cleanup below), so an older answer never replaces a newer one.
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const response = await fetch(`/api/v1/search/suggest?q=${encodeURIComponent(text)}`, { signal: controller.signal });
        if (!response.ok) return;
        const body = (await response.json()) as TSuggestions;
        setFound(optionsOf(body));
        setActive(-1);
      } catch {
        // Aborted or offline: the form still searches on Enter.
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q]);

  const all = [...found.snippets, ...found.tags];
  const shown = open && all.length > 0;

  function onKeyDown(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown" && all.length > 0) {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (a + 1) % all.length);
    } else if (e.key === "ArrowUp" && all.length > 0) {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (a <= 0 ? all.length - 1 : a - 1));
    } else if (e.key === "Escape") {
      setOpen(false);
      setActive(-1);
    } else if (e.key === "Enter" && shown && active >= 0) {
      e.preventDefault();
      const option = all[active];
      if (option) {
        setOpen(false);
        router.push(option.href);
      }
    }
  }

  const renderGroup = (title: string, options: TOption[], offset: number) =>
    options.length === 0 ? null : (
      <>
        <li role="presentation" className="search-box__group">
          {title}
        </li>
        {options.map((o, i) => (
          <li key={o.key} role="presentation">
            <a
              id={`${listId}-${offset + i}`}
              role="option"
              aria-selected={active === offset + i}
              className="search-box__option"
              href={o.href}
              // Keeps focus in the input until the click lands, so the list does not close first.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => setOpen(false)}
            >
              {o.label}
              <small>{o.detail}</small>
            </a>
          </li>
        ))}
      </>
    );

  return (
    <form action="/search" method="get" role="search" className="search-box" onSubmit={() => setOpen(false)}>
      <label htmlFor={`${listId}-input`} className="visually-hidden">
        Search snippets
      </label>
      <input
        id={`${listId}-input`}
        className="search-box__input"
        type="search"
        name="q"
        placeholder="Search snippets"
        autoComplete="off"
        maxLength={200}
        role="combobox"
        aria-expanded={shown}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown && active >= 0 ? `${listId}-${active}` : undefined}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {shown ? (
        <ul id={listId} role="listbox" aria-label="Suggestions" className="search-box__list">
          {renderGroup("Snippets", found.snippets, 0)}
          {renderGroup("Tags", found.tags, found.snippets.length)}
        </ul>
      ) : null}
    </form>
  );
}
