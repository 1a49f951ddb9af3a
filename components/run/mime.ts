import type { TMimeBundle } from "@/lib/runs/run-log";

/** A 3D scene (components/run/scene3d.ts checks it; docs/exec.md describes it). */
export const SCENE3D_MIME = "application/vnd.cellar.scene3d+json";

/**
 * The richest representation of a MIME bundle the page can show, in Jupyter's order of
 * preference, with its text (nbformat allows a string or a list of lines).
 */
export type TShown =
  | { type: "text/html" | "text/markdown" | "text/latex" | "image/svg+xml" | "text/plain"; text: string }
  | { type: "image/png" | "image/jpeg" | "image/gif"; base64: string }
  | { type: "application/json"; value: unknown }
  /** A 3D scene, still unchecked (the viewer validates it), and the bundle's PNG to fall back on. */
  | { type: typeof SCENE3D_MIME; scene: unknown; fallback: string | null };

const ORDER = [
  SCENE3D_MIME,
  "text/html",
  "text/markdown",
  "text/latex",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "image/gif",
  "application/json",
  "text/plain",
] as const;

/** Picks what to show of `data`; null when it holds nothing the page understands. */
export function pickMime(data: TMimeBundle): TShown | null {
  for (const type of ORDER) {
    if (!(type in data)) continue;
    const value = data[type];
    if (type === SCENE3D_MIME) return { type, scene: value, fallback: base64Of(data["image/png"]) };
    if (type === "application/json") return { type, value };
    const text = textOf(value);
    if (text === null) continue;
    if (type === "image/png" || type === "image/jpeg" || type === "image/gif") {
      const base64 = base64Of(text);
      if (base64 !== null) return { type, base64 };
      continue;
    }
    return { type, text };
  }
  return null;
}

/** The `text/plain` of a bundle, e.g. matplotlib's "<Figure size 640x480 with 1 Axes>", as alt text. */
export function plainOf(data: TMimeBundle): string | null {
  return textOf(data["text/plain"]);
}

/** An image's base64 without line breaks, or null when it is not base64 (it goes into a data: URL). */
function base64Of(value: unknown): string | null {
  const text = textOf(value);
  if (text === null) return null;
  const base64 = text.replace(/\s+/g, "");
  return /^[A-Za-z0-9+/]*={0,2}$/.test(base64) ? base64 : null;
}

function textOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join("");
  return null;
}

/** UTF-8 text as base64, for a `data:` URL (btoa alone takes only Latin-1). */
export function utf8Base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
