/**
 * Cursor positions between JavaScript's UTF-16 code units (the editor's, the site API's) and the
 * Unicode code points Jupyter's protocol counts (5.2+): they differ after any character outside
 * the Basic Multilingual Plane (an emoji is 2 units, 1 code point).
 */

/** The code-point position of UTF-16 position `utf16` in `text` (a split pair counts as its first half). */
export function toCodePoints(text: string, utf16: number): number {
  let points = 0;
  for (let i = 0; i < utf16 && i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A low surrogate after a high one is the second half of the same code point.
    if (!(unit >= 0xdc00 && unit <= 0xdfff && i > 0 && isHigh(text.charCodeAt(i - 1)))) points++;
  }
  return points;
}

/** The UTF-16 position of code-point position `points` in `text` (clamped to its end). */
export function toUtf16(text: string, points: number): number {
  let i = 0;
  for (let p = 0; p < points && i < text.length; p++) {
    i += isHigh(text.charCodeAt(i)) && i + 1 < text.length && isLow(text.charCodeAt(i + 1)) ? 2 : 1;
  }
  return i;
}

function isHigh(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
