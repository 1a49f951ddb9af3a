import { describe, expect, it } from "vitest";
import { allowedTypos, pickCorrections } from "./pick-corrections";

/** Candidates as the vocabulary lookup returns them: most similar by trigrams first. */
function ranked(...words: string[]): { word: string; similarity: number }[] {
  return words.map((word, i) => ({ word, similarity: 1 - i / 100 }));
}

describe("pickCorrections", () => {
  it("keeps the word one edit away over more similar-looking neighbours", () => {
    // Trigram order from a 264,000-word vocabulary (bench/search): "fourtrier" shares more pieces.
    expect(pickCorrections("fourrier", ranked("fourtrier", "fourier", "fourer", "four", "fouer"))).toEqual(["fourtrier", "fourier"]);
    expect(pickCorrections("fourrier", ranked("fourier", "fourtrier", "fourer", "four"))).toEqual(["fourier", "fourtrier"]);
    expect(pickCorrections("chanplaischot", ranked("chanchanplaischiot", "chanplaischiot", "chanplaischiotbamiot"))).toEqual(["chanplaischiot"]);
  });

  it("counts two swapped letters as one edit", () => {
    expect(pickCorrections("dijsktra", ranked("dijkstra", "diskettra", "dijon"))).toEqual(["dijkstra"]);
  });

  it("forgives two edits only in long words", () => {
    expect(allowedTypos(5)).toBe(1);
    expect(allowedTypos(9)).toBe(2);
    expect(pickCorrections("interpoltion", ranked("interpolations", "interpolation"))).toEqual(["interpolation"]);
    // Two letters missing from an 11-letter word: still a typo, and the closer word wins.
    expect(pickCorrections("intrpoltion", ranked("interpolations", "interpolation"))).toEqual(["interpolation"]);
    // Two edits in a 6-letter word are more than a typo.
    expect(pickCorrections("splnex", ranked("spline", "splint", "splines"))).toEqual([]);
  });

  it("corrects nothing more than a typo away", () => {
    expect(pickCorrections("qwrtz", ranked("quartz", "quarts", "quirts", "qatar"))).toEqual([]);
    expect(pickCorrections("word", [])).toEqual([]);
  });

  it("keeps at most three, best trigram match first", () => {
    expect(pickCorrections("ceas", ranked("cease", "ceasx", "ceal", "cean", "cear"))).toEqual(["cease", "ceasx", "ceal"]);
  });
});
