"use client";

import { useEffect, type RefObject } from "react";

/**
 * Tells the page that frames us how tall `ref`'s element is, whenever it changes, so the host
 * can size the frame to its content (public/embed.js, the snippet embed script). A height says
 * nothing private, so it goes to whichever page is the parent.
 */
export function useFrameHeight(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const el = ref.current;
    if (!el || window.parent === window) return;
    let last = -1;
    const report = () => {
      const height = Math.ceil(el.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      window.parent.postMessage({ cellar: "height", height }, "*");
    };
    const observer = new ResizeObserver(report);
    observer.observe(el);
    report();
    return () => observer.disconnect();
  }, [ref]);
}
