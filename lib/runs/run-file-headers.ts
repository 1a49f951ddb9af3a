import { USER_FILE_CSP } from "@/lib/http/security-headers";

/**
 * Response headers for a file a run wrote. Cells are anyone's code and their files are served
 * from our origin, so nothing is ever rendered as a document here: raster images (which cannot
 * script) are shown inline with their own type, everything else, SVG and HTML included, is a
 * download of opaque bytes; nosniff and a sandbox CSP stand behind both.
 */
export function runFileHeaders(name: string, size: number): Record<string, string> {
  const base = name.split("/").pop() ?? name;
  const image = SAFE_IMAGES[extensionOf(base)];
  return {
    "Content-Type": image ?? "application/octet-stream",
    "Content-Length": String(size),
    "Content-Disposition": `${image ? "inline" : "attachment"}; filename="${asciiName(base)}"; filename*=UTF-8''${encodeURIComponent(base)}`,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": USER_FILE_CSP,
    // A later cell may rewrite the file under the same name.
    "Cache-Control": "no-store",
  };
}

/** Raster formats browsers decode as images only; never SVG, which is a document that can script. */
const SAFE_IMAGES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

/** Whether a run's file is shown inline under the output (the same test the headers use). */
export function isInlineImage(name: string): boolean {
  return extensionOf(name) in SAFE_IMAGES;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

/** The filename= fallback for old clients: ASCII, no quotes or backslashes. */
function asciiName(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\]/g, "_");
}
