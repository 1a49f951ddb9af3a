import { describe, expect, it } from "vitest";
import { toCodePoints, toUtf16 } from "./cursor-units";

describe("cursor units", () => {
  it("counts a character outside the BMP as one code point and two UTF-16 units", () => {
    const text = "s = '😀'; np.li";
    expect(text.length).toBe(15);
    expect(toCodePoints(text, text.length)).toBe(14);
    expect(toUtf16(text, 14)).toBe(15);
    expect(toCodePoints(text, 10)).toBe(9); // "np" starts here
    expect(toUtf16(text, 9)).toBe(10);
  });

  it("is the identity on BMP text and clamps past the end", () => {
    expect(toCodePoints("math.fa", 7)).toBe(7);
    expect(toUtf16("math.fa", 4)).toBe(4);
    expect(toUtf16("ab", 10)).toBe(2);
  });
});
