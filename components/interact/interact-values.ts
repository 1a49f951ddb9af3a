import type { TInteract, TInteractControl, TInteractSpec, TRunEnd } from "@/lib/runs/run-log";

/** Control values as they go on the wire, by control name (docs: interact spec, section 2). */
export type TInteractValues = Record<string, unknown>;

/** Saved values by interact key ("1", "1.2"): what a permalink carries and Restart restores. */
export type TSavedValues = Record<string, TInteractValues>;

/** Controls whose value is an event (a press), not a state: false/null except in the update a press causes. */
function isPress(control: TInteractControl): control is Extract<TInteractControl, { type: "button" | "button_bar" }> {
  return control.type === "button" || control.type === "button_bar";
}

/** The values an interact starts with: its controls' defaults (text controls have none). */
export function defaultValues(spec: TInteractSpec): TInteractValues {
  return Object.fromEntries(spec.controls.flatMap((c) => (c.type === "text" ? [] : [[c.name, c.default]])));
}

/**
 * The defaults with the saved values laid over them, where a saved value has the default's
 * shape (a number for a number, a grid of the grid's size...). The kernel constrains what it
 * gets anyway; this keeps a hand-edited link from breaking the controls.
 */
export function restoreValues(spec: TInteractSpec, saved: TInteractValues | undefined): TInteractValues {
  const values = defaultValues(spec);
  if (!saved) return values;
  for (const c of spec.controls) {
    if (c.type === "text" || isPress(c) || !(c.name in saved)) continue;
    const v = saved[c.name];
    if (sameShape(c.default, v)) values[c.name] = v;
  }
  return values;
}

function sameShape(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameShape(x, b[i]));
  if (typeof a === "number") return typeof b === "number" && Number.isFinite(b);
  return typeof a === typeof b && a !== null && b !== null;
}

/** The values to keep and link to: presses are events, not state, so they go back to unpressed. */
export function lastingValues(spec: TInteractSpec, values: TInteractValues): TInteractValues {
  const out: TInteractValues = {};
  for (const c of spec.controls) {
    if (c.type === "text") continue;
    out[c.name] = isPress(c) ? c.default : values[c.name];
  }
  return out;
}

/**
 * The updates waiting while one is in flight, after `latest`: changes coalesce (only the latest
 * values are sent, a dragged slider does not queue a hundred runs), but each press of a button
 * is an event of its own and keeps its place, so three presses of "Roll" roll three times.
 */
export function coalesce(spec: TInteractSpec, waiting: TInteractValues[], latest: TInteractValues): TInteractValues[] {
  const last = waiting[waiting.length - 1];
  if (last && !pressIn(spec, last) && !pressIn(spec, latest)) return [...waiting.slice(0, -1), latest];
  return [...waiting, latest];
}

function pressIn(spec: TInteractSpec, values: TInteractValues): boolean {
  return spec.controls.some((c) => isPress(c) && values[c.name] !== c.default);
}

export function sameValues(a: TInteractValues, b: TInteractValues): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The `values` of a page's query string (a permalink), or null when there are none or they do not parse. */
export function savedFromSearch(search: string): TSavedValues | null {
  const raw = new URLSearchParams(search).get("values");
  if (!raw) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
  const saved: TSavedValues = {};
  for (const [key, values] of Object.entries(parsed)) {
    if (/^\d+(\.\d+)*$/.test(key) && typeof values === "object" && values !== null && !Array.isArray(values)) saved[key] = values as TInteractValues;
  }
  return Object.keys(saved).length > 0 ? saved : null;
}

/**
 * A link that reopens the snippet at this revision with these values: the interact's own, its
 * parents' (which made it) and those of the interacts inside it.
 */
export function valuesLink(options: {
  origin: string;
  owner: string;
  slug: string;
  oid: string;
  interacts: Record<string, TInteract>;
  values: Record<string, TInteractValues>;
  id: string;
}): string {
  const { interacts, values, id } = options;
  const related = new Set<string>();
  for (let x: TInteract | undefined = interacts[id]; x; x = x.parent !== null ? interacts[x.parent] : undefined) related.add(x.id);
  for (const x of Object.values(interacts)) {
    for (let p: TInteract | undefined = x; p; p = p.parent !== null ? interacts[p.parent] : undefined) {
      if (p.id === id) related.add(x.id);
    }
  }
  const saved: TSavedValues = {};
  for (const x of Object.values(interacts)) {
    const v = values[x.id];
    if (related.has(x.id) && v) saved[x.key] = lastingValues(x.spec, v);
  }
  return `${options.origin}/${options.owner}/${options.slug}/rev/${options.oid}?values=${encodeURIComponent(JSON.stringify(saved))}`;
}

function span(seconds: number, unit: "long" | "adjective"): string {
  const minutes = seconds / 60;
  if (seconds >= 60 && Number.isInteger(minutes)) return unit === "adjective" ? `${minutes}-minute` : `${minutes} minute${minutes === 1 ? "" : "s"}`;
  if (seconds < 120) return unit === "adjective" ? `${Math.round(seconds)}-second` : `${Math.round(seconds)} second${Math.round(seconds) === 1 ? "" : "s"}`;
  const rounded = Math.round(minutes);
  return unit === "adjective" ? `${rounded}-minute` : `${rounded} minutes`;
}

/** Why an interact stopped answering, in plain words (the session behind it ended). */
export function endMessage(end: TRunEnd | null): string {
  switch (end?.reason) {
    case "idle":
      return end.seconds ? `This interact stopped after ${span(end.seconds, "long")} without use.` : "This interact stopped after a while without use.";
    case "lifetime":
      return end.seconds ? `This interact stopped after its ${span(end.seconds, "adjective")} limit.` : "This interact stopped after its time limit.";
    case "limit":
      return "This interact stopped: its session went over a limit.";
    case "replaced":
      return "This interact stopped: a newer run took its place.";
    case "closed":
      return "This interact stopped: its session was closed.";
    case "shutdown":
      return "This interact stopped: the server restarted.";
    case "exited":
      return "This interact stopped: its Python process exited.";
    case "failed":
      return "This interact stopped: its session ended unexpectedly.";
    case "lost":
      return end.lost === "host"
        ? "This interact stopped: the execution host running it stopped. Press Run again."
        : "This interact stopped: the execution service restarted. Press Run again.";
    default:
      return "This interact stopped: its session ended.";
  }
}
