"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { z } from "zod";
import type { TFrameMessage } from "@/lib/embed/embed-messages";

/**
 * An embed frame's side of its postMessage channel with the page that frames it (public/embed.js):
 * says `ready` once listening, then takes messages only from the parent window, only when they
 * pass `schema`, and only after the one of kind `first` (the frame's set-up), whose origin is the
 * only one heard from then on and the only one `post` speaks to. Messages are data, never evaluated.
 * `framed` is false when the page is opened on its own (nobody to talk to).
 */
export function useHostChannel<T extends { cellar: string }>(
  schema: z.ZodType<T>,
  first: T["cellar"],
  onMessage: (message: T) => void,
): { framed: boolean; post: (message: TFrameMessage) => void } {
  const [framed, setFramed] = useState(true);
  const hostRef = useRef<string | null>(null);
  const handlerRef = useRef(onMessage);
  handlerRef.current = onMessage;

  const post = useCallback((message: TFrameMessage) => {
    const host = hostRef.current;
    window.parent.postMessage(message, host === null || host === "null" ? "*" : host);
  }, []);

  useEffect(() => {
    if (window.parent === window) {
      setFramed(false);
      return;
    }
    const listener = (e: MessageEvent) => {
      if (e.source !== window.parent) return;
      if (hostRef.current !== null && e.origin !== hostRef.current) return;
      const m = schema.safeParse(e.data);
      if (!m.success) return;
      if (m.data.cellar === first) {
        if (hostRef.current !== null) return;
        hostRef.current = e.origin;
      } else if (hostRef.current === null) return;
      handlerRef.current(m.data);
    };
    window.addEventListener("message", listener);
    post({ cellar: "ready" });
    return () => window.removeEventListener("message", listener);
  }, [schema, first, post]);

  return { framed, post };
}
