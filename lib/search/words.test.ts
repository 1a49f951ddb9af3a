import { describe, expect, it } from "vitest";
import { wordDeletes } from "./words";

const share = (a: string, b: string) => wordDeletes(a).some((h) => wordDeletes(b).includes(h));

describe("wordDeletes", () => {
  it("makes words one edit apart meet: a letter dropped, added, replaced, or two swapped", () => {
    expect(share("fourier", "fourrier")).toBe(true);
    expect(share("fourier", "fouier")).toBe(true);
    expect(share("fourier", "fouxier")).toBe(true);
    expect(share("dijkstra", "dijsktra")).toBe(true);
    expect(share("größe", "gröse")).toBe(true);
    expect(share("fourrier", "fourtrier")).toBe(true);
  });

  it("keeps words further apart from meeting", () => {
    expect(share("fourier", "fourtrier")).toBe(false); // two letters added
    expect(share("fourier", "fxurixr")).toBe(false);
    expect(share("pendulum", "pendlumzz")).toBe(false);
  });

  it("lists each hash once, ascending, counting letters (not UTF-16 units)", () => {
    const hashes = wordDeletes("aab");
    expect(hashes).toEqual([...new Set(hashes)].sort((a, b) => a - b));
    expect(hashes).toHaveLength(3); // aab, ab, aa
    expect(wordDeletes("𝑥y")).toHaveLength(3); // 𝑥y, y, 𝑥
  });
});
