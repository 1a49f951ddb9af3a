/**
 * The finite grid of an interact's controls, for precomputed ("static") interacts: which
 * interacts have one, every combination of their controls' values, and the key a combination is
 * stored under. Shared by the precomputation (server) and the page that plays the frames
 * (browser), so both name a combination the same way: by each control's index on its grid, never
 * by a float value (a browser's range input may give 0.3 where min + 3 × step is
 * 0.30000000000000004).
 */
import type { TInteractControl, TInteractSpec } from "@/lib/runs/run-log";

/** At most this many combinations per interact (the bound: a precomputation stays small). */
export const MAX_COMBINATIONS = 500;

/** A control's grid: how many values, the wire value of each, and the index of a wire value. */
type TAxis = { name: string; count: number; wire: (i: number) => unknown; index: (value: unknown) => number | null };

type TSlider = Extract<TInteractControl, { type: "slider" | "range_slider" }>;

/** A slider's steps: over a list, its indices; else min, min + step, ... up to max. */
function sliderSteps(c: TSlider): { count: number; at: (k: number) => number; find: (v: unknown) => number | null } | null {
  if (c.values) {
    const n = c.values.length;
    return { count: n, at: (k) => k, find: (v) => (typeof v === "number" && Number.isInteger(v) && v >= 0 && v < n ? v : null) };
  }
  const min = c.min ?? 0;
  const max = c.max ?? 100;
  const step = c.step ?? 1;
  if (!(step > 0) || !(max >= min)) return null;
  const count = Math.floor((max - min) / step + 1e-9) + 1;
  if (!Number.isFinite(count) || count > MAX_COMBINATIONS) return null;
  const decimals = Math.min(10, (String(step).split(".")[1] ?? "").length + (String(min).split(".")[1] ?? "").length);
  return {
    count,
    at: (k) => Number((min + k * step).toFixed(decimals)),
    find: (v) => {
      if (typeof v !== "number" || !Number.isFinite(v)) return null;
      const k = Math.round((v - min) / step);
      return k >= 0 && k < count && Math.abs(min + k * step - v) <= step * 1e-6 ? k : null;
    },
  };
}

function axis(c: TInteractControl): TAxis | null | "skip" {
  switch (c.type) {
    case "text":
      return "skip"; // no value
    case "checkbox":
      return { name: c.name, count: 2, wire: (i) => i === 1, index: (v) => (v === true ? 1 : v === false ? 0 : null) };
    case "selector": {
      const n = c.values.length;
      return { name: c.name, count: n, wire: (i) => i, index: (v) => (typeof v === "number" && Number.isInteger(v) && v >= 0 && v < n ? v : null) };
    }
    case "slider": {
      const s = sliderSteps(c);
      return s && { name: c.name, count: s.count, wire: s.at, index: s.find };
    }
    case "range_slider": {
      // Pairs lo ≤ hi, numbered row by row.
      const s = sliderSteps(c);
      if (!s) return null;
      const pairs: [number, number][] = [];
      for (let lo = 0; lo < s.count && pairs.length <= MAX_COMBINATIONS; lo++) for (let hi = lo; hi < s.count; hi++) pairs.push([lo, hi]);
      return {
        name: c.name,
        count: pairs.length,
        wire: (i) => {
          const [lo, hi] = pairs[i]!;
          return [s.at(lo), s.at(hi)];
        },
        index: (v) => {
          if (!Array.isArray(v) || v.length !== 2) return null;
          const lo = s.find(v[0]);
          const hi = s.find(v[1]);
          if (lo === null || hi === null || lo > hi) return null;
          return pairs.findIndex(([a, b]) => a === lo && b === hi);
        },
      };
    }
    default:
      // Text boxes, grids and colours have no finite grid; buttons act only when pressed.
      return null;
  }
}

export type TStaticGrid = { axes: TAxis[]; total: number };

/**
 * The grid of `spec`, or null when an interact cannot be precomputed: a control without a finite
 * set of values (input box, grid, colour, button), or more than MAX_COMBINATIONS combinations.
 */
export function staticGrid(spec: TInteractSpec): TStaticGrid | null {
  const axes: TAxis[] = [];
  let total = 1;
  for (const c of spec.controls) {
    const a = axis(c);
    if (a === "skip") continue;
    if (a === null) return null;
    axes.push(a);
    total *= a.count;
    if (total > MAX_COMBINATIONS) return null;
  }
  return { axes, total };
}

/** The `n`-th combination (0 ≤ n < total): its key and the wire values an update sends. */
export function combination(grid: TStaticGrid, n: number): { key: string; values: Record<string, unknown> } {
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  let rest = n;
  for (let i = grid.axes.length - 1; i >= 0; i--) {
    const a = grid.axes[i]!;
    const k = rest % a.count;
    rest = Math.floor(rest / a.count);
    values[a.name] = a.wire(k);
    parts.unshift(`${encodeURIComponent(a.name)}=${k}`);
  }
  return { key: parts.join("&"), values };
}

/** The key of the combination `values` (wire values by name) stand on, or null when off the grid. */
export function frameKey(grid: TStaticGrid, values: Record<string, unknown>): string | null {
  const parts: string[] = [];
  for (const a of grid.axes) {
    const k = a.index(values[a.name]);
    if (k === null || k < 0) return null;
    parts.push(`${encodeURIComponent(a.name)}=${k}`);
  }
  return parts.join("&");
}
