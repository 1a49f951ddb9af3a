"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { MAX_TAGS } from "@/lib/snippets/schema";
import { splitTagList } from "@/lib/tags/tag-path";
import "./tags.css";

type TSuggestion = { name: string; count: number };

type Props = {
  id: string;
  name: string;
  defaultValue?: string;
  placeholder?: string;
  /** Most tags the field may hold; past it the field says so (the server refuses more anyway). */
  max?: number;
  /** Id of a hint the input is described by, besides its own count. */
  describedBy?: string;
};

/** The tag being typed: the comma-separated part of `value` around the caret, and where it sits. */
function tokenAt(value: string, caret: number): { start: number; end: number; text: string } {
  const start = value.lastIndexOf(",", caret - 1) + 1;
  const next = value.indexOf(",", caret);
  const end = next === -1 ? value.length : next;
  return { start, end, text: value.slice(start, end).trim() };
}

/**
 * A comma-separated tag field that completes the tag being typed from the site's tags (ARIA
 * combobox: arrows choose, Enter takes, Escape closes). Without JavaScript it is the plain text
 * field the form reads, so nothing depends on the suggestions.
 */
export function TagInput({ id, name, defaultValue = "", placeholder, max = MAX_TAGS, describedBy }: Props) {
  const [value, setValue] = useState(defaultValue);
  const [suggestions, setSuggestions] = useState<TSuggestion[]>([]);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const countId = useId();
  const count = splitTagList(value).length;

  // Fetches completions for the tag being typed, a moment after typing stops; a newer query cancels the older.
  useEffect(() => {
    if (!query) {
      setSuggestions([]);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/api/v1/tags?prefix=${encodeURIComponent(query)}&limit=8`, { signal: abort.signal })
        .then((r) => (r.ok ? (r.json() as Promise<{ items: TSuggestion[] }>) : { items: [] }))
        .then((body) => {
          const taken = new Set(splitTagList(input.current?.value ?? "").map((t) => t.toLowerCase()));
          // The tag exactly as typed is no suggestion; tags already in the field are none either.
          const items = body.items.filter((s) => s.name !== query.toLowerCase() && !taken.has(s.name));
          setSuggestions(items);
          setActive(-1);
        })
        .catch(() => {
          // Aborted by a newer query, or offline: the field still works as plain text.
        });
    }, 120);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [query]);

  const expanded = open && suggestions.length > 0;

  function update(next: string, caret: number) {
    setValue(next);
    setQuery(tokenAt(next, caret).text);
    setOpen(true);
  }

  function choose(suggestion: TSuggestion) {
    const el = input.current;
    const token = tokenAt(value, el?.selectionStart ?? value.length);
    const before = value.slice(0, token.start).replace(/\s*$/, "");
    const after = value.slice(token.end);
    const lead = before ? `${before} ` : "";
    const next = after.trim() ? `${lead}${suggestion.name}${after}` : `${lead}${suggestion.name}, `;
    const caret = `${lead}${suggestion.name}`.length + (after.trim() ? 0 : 2);
    setValue(next);
    setOpen(false);
    setQuery("");
    setSuggestions([]);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(caret, caret);
    });
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (suggestions.length === 0) return;
      e.preventDefault();
      setOpen(true);
      // Cycles through the options and back to none (-1), where Enter submits the form as usual.
      const n = suggestions.length;
      setActive((a) => (e.key === "ArrowDown" ? (a + 1 >= n ? -1 : a + 1) : a - 1 < -1 ? n - 1 : a - 1));
    } else if (e.key === "Enter" && expanded && active >= 0) {
      // Takes the suggestion instead of submitting the form.
      e.preventDefault();
      const s = suggestions[active];
      if (s) choose(s);
    } else if (e.key === "Escape" && expanded) {
      e.preventDefault();
      setOpen(false);
    }
  }

  const activeOption = expanded && active >= 0 && active < suggestions.length ? `${listId}-${active}` : undefined;

  return (
    <div className="tag-input">
      <div className="tag-input__box">
        <input
          ref={input}
          id={id}
          name={name}
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={activeOption}
          aria-describedby={[countId, describedBy].filter(Boolean).join(" ")}
          aria-invalid={count > max ? true : undefined}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          value={value}
          placeholder={placeholder}
          onChange={(e) => update(e.target.value, e.target.selectionStart ?? e.target.value.length)}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
        />
        <ul id={listId} role="listbox" aria-label="Suggestions" className="tag-input__list" hidden={!expanded}>
          {suggestions.map((s, i) => (
            <li
              key={s.name}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className="tag-input__option"
              // Keeps the focus in the field, so choosing does not close the list first.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(s)}
            >
              <span className="tag-input__name">{s.name}</span>
              <span className="tag-input__count">{s.count}</span>
            </li>
          ))}
        </ul>
      </div>
      <p id={countId} className={count > max ? "field-error tag-input__status" : "field-hint tag-input__status"}>
        {count > max ? `${count} tags: at most ${max}.` : count > 0 ? `${count} of ${max} tags` : `Up to ${max} tags`}
      </p>
    </div>
  );
}
