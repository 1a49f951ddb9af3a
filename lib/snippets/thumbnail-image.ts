/** Largest image kept as a thumbnail; a bigger first image leaves the snippet without one. */
export const MAX_THUMBNAIL_BYTES = 1024 * 1024;

const SIGNATURES: [mime: string, test: (b: Buffer) => boolean][] = [
  ["image/png", (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ["image/jpeg", (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ["image/gif", (b) => b.subarray(0, 6).toString("latin1") === "GIF87a" || b.subarray(0, 6).toString("latin1") === "GIF89a"],
  ["image/webp", (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP"],
];

/**
 * The image of one output's MIME bundle (`image/png` etc., base64), or null. The bytes must be
 * what the bundle says they are: the thumbnail route serves them with that type, so a run cannot
 * smuggle HTML or SVG (script) onto the site's origin as an "image". SVG is never a thumbnail.
 */
export function imageFromBundle(data: Record<string, unknown>): { mime: string; bytes: Buffer } | null {
  for (const [mime, matches] of SIGNATURES) {
    const value = data[mime];
    if (typeof value !== "string") continue;
    const bytes = Buffer.from(value.replace(/\s+/g, ""), "base64");
    if (bytes.byteLength === 0 || bytes.byteLength > MAX_THUMBNAIL_BYTES || !matches(bytes)) continue;
    return { mime, bytes };
  }
  return null;
}

// Drawing in Python (matplotlib, PIL, an image display) and in Sage (show, plot and every *_plot,
// plot3d, animate, bar_chart; a graph's .plot): cheap to test, generous by design.
const MAY_DRAW = /\b(matplotlib|pyplot|plt\.|PIL|imshow|savefig|display\(|Image\b|\w*plot\w*\(|show\(|animate\(|bar_chart\()/;

/** Whether code could draw an image, so that running it at publication may give a thumbnail. */
export function mayDraw(code: string): boolean {
  return MAY_DRAW.test(code);
}
