"use client";

import { useEffect, useRef, useState } from "react";

/** Props of {@link CopyButton}. */
export type CopyButtonProps = {
  /** What goes on the clipboard, e.g. a permalink. */
  text: string;
  /** Button text before copying. */
  label?: string;
  /** Names the button for screen readers when `label` alone is vague, e.g. "Copy permalink". */
  ariaLabel?: string;
  className?: string;
};

/**
 * Copies `text` to the clipboard and says "Copied" for a moment. It needs JavaScript, so it is not
 * rendered until the page is hydrated: put the text itself somewhere visible too.
 */
export function CopyButton({ text, label = "Copy", ariaLabel, className }: CopyButtonProps) {
  const [mounted, setMounted] = useState(false);
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    setMounted(true);
    return () => clearTimeout(timer.current);
  }, []);

  if (!mounted) return null;

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      // Clipboard access is refused on plain http and in some embedded browsers.
      setState("failed");
    }
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), 2000);
  }

  return (
    <button type="button" className={className ?? "button"} onClick={copy} aria-label={ariaLabel}>
      {/* A live region, so screen-reader users hear that the copy worked. */}
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}</span>
    </button>
  );
}
