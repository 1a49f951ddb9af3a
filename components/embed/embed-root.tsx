"use client";

import { useRef, type ReactNode } from "react";
import { useFrameHeight } from "./frame-height";
import "./embed.css";

/** The root of an embed page rendered on the server (a snippet's embed): reports its height to the host page. */
export function EmbedRoot({ className, children }: { className?: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useFrameHeight(ref);
  return (
    <div ref={ref} className={`embed-root${className ? ` ${className}` : ""}`}>
      {children}
    </div>
  );
}
