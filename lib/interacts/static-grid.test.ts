import { describe, expect, it } from "vitest";
import { ZInteractSpec } from "@/lib/runs/run-log";
import { MAX_COMBINATIONS, combination, frameKey, staticGrid } from "./static-grid";

const spec = (controls: unknown[]) => ZInteractSpec.parse({ version: 1, id: "i1", name: "f", auto_update: true, controls, layout: {} });

describe("static grid of an interact", () => {
  it("enumerates every combination once, and finds each again from the values a control sends", () => {
    const grid = staticGrid(
      spec([
        { type: "slider", name: "a", label: "a", min: 0, max: 1, step: 0.1, default: 0.5 },
        { type: "checkbox", name: "b", label: "b", default: true },
        { type: "selector", name: "c", label: "c", values: ["x", "y", "z"], default: 0 },
        { type: "text", name: "t", label: "", text: "a note" },
      ]),
    )!;
    expect(grid.total).toBe(11 * 2 * 3);
    const keys = new Set<string>();
    for (let n = 0; n < grid.total; n++) {
      const { key, values } = combination(grid, n);
      keys.add(key);
      expect(frameKey(grid, values)).toBe(key);
    }
    expect(keys.size).toBe(grid.total);
    // A browser's range input reads 0.3 where 3 steps of 0.1 add up to 0.30000000000000004.
    expect(combination(grid, 3 * 6).values.a).toBe(0.3);
    expect(frameKey(grid, { a: 0.30000000000000004, b: false, c: 2 })).toBe("a=3&b=0&c=2");
    expect(frameKey(grid, { a: 0.3, b: false, c: 2 })).toBe("a=3&b=0&c=2");
  });

  it("refuses values off the grid", () => {
    const grid = staticGrid(spec([{ type: "slider", name: "n", label: "n", min: 1, max: 9, step: 2, default: 1 }]))!;
    expect(grid.total).toBe(5);
    expect(frameKey(grid, { n: 4 })).toBeNull();
    expect(frameKey(grid, { n: 11 })).toBeNull();
    expect(frameKey(grid, { n: "3" })).toBeNull();
    expect(frameKey(grid, { n: 9 })).toBe("n=4");
  });

  it("counts a range slider's ordered pairs and a list slider's indices", () => {
    const grid = staticGrid(
      spec([
        { type: "range_slider", name: "r", label: "r", min: 0, max: 3, step: 1, default: [0, 3] },
        { type: "slider", name: "s", label: "s", values: ["one", "two"], default: 0 },
      ]),
    )!;
    expect(grid.total).toBe(10 * 2);
    expect(frameKey(grid, { r: [1, 2], s: 1 })).not.toBeNull();
    expect(frameKey(grid, { r: [2, 1], s: 1 })).toBeNull();
  });

  it("has none for controls without a finite set of values, or too many combinations", () => {
    expect(staticGrid(spec([{ type: "input_box", name: "x", label: "x", default: "1", height: 1 }]))).toBeNull();
    expect(staticGrid(spec([{ type: "color", name: "c", label: "c", default: "#000000" }]))).toBeNull();
    expect(staticGrid(spec([{ type: "slider", name: "a", label: "a", min: 0, max: MAX_COMBINATIONS, step: 1, default: 0 }]))).toBeNull();
    expect(staticGrid(spec([{ type: "slider", name: "a", label: "a", min: 0, max: MAX_COMBINATIONS - 1, step: 1, default: 0 }]))?.total).toBe(MAX_COMBINATIONS);
    expect(
      staticGrid(
        spec([
          { type: "slider", name: "a", label: "a", min: 0, max: 30, step: 1, default: 0 },
          { type: "slider", name: "b", label: "b", min: 0, max: 30, step: 1, default: 0 },
        ]),
      ),
    ).toBeNull();
  });
});
