import { describe, expect, it } from "vitest";
import { EMPTY_LOG, INTERACT_MIME, ZInteractSpec, addCell, applyMessage, type TInteractSpec, type TRunLog } from "@/lib/runs/run-log";
import { ZJupyterMessage, type TJupyterMessage } from "@/lib/exec/protocol";
import { coalesce, defaultValues, endMessage, lastingValues, restoreValues, savedFromSearch, valuesLink, type TInteractValues } from "./interact-values";

/** A description as the kernel sends it (docs/exec.md, Interacts), read the way the page reads it. */
function spec(id: string, name: string, controls: Record<string, unknown>[]): TInteractSpec {
  return ZInteractSpec.parse({
    version: 1,
    id,
    name,
    auto_update: true,
    controls,
    layout: { top: controls.map((c) => [c.name]), bottom: [], left: [], right: [] },
  });
}

const PLOTTER = spec("i1", "plot", [
  { type: "slider", name: "a", label: "a", min: 0, max: 10, step: 0.5, default: 2, display_value: true },
  { type: "range_slider", name: "window", label: "x range", min: -5, max: 5, step: 1, default: [-2, 2], display_value: true },
  { type: "input_box", name: "f", label: "f(x)", default: "sin(x)", width: null, height: 1 },
  {
    type: "input_grid",
    name: "A",
    label: "A",
    rows: 2,
    cols: 2,
    default: [
      ["1", "0"],
      ["0", "1"],
    ],
    width: null,
  },
  { type: "checkbox", name: "grid", label: "grid", default: false },
  { type: "selector", name: "style", label: "style", values: ["solid", "dashed"], default: 0, style: "radio", nrows: null, ncols: null },
  { type: "color", name: "colour", label: "colour", default: "#1f77b4" },
  { type: "text", name: "note", label: "", text: "Drag the sliders." },
  { type: "button", name: "reset", label: "", text: "Reset", default: false },
  { type: "button_bar", name: "roll", label: "roll", values: ["1", "2", "6"], nrows: null, ncols: null, default: null },
]);

/** A reader's values for PLOTTER: every control moved off its default. */
const MOVED: TInteractValues = {
  a: 7.5,
  window: [-4, 3],
  f: "x**2 + 1",
  A: [
    ["2", "1"],
    ["1", "3"],
  ],
  grid: true,
  style: 1,
  colour: "#ff8800",
  reset: false,
  roll: null,
};

function msg(type: string, parent: string, content: Record<string, unknown>, interact?: string): TJupyterMessage {
  return ZJupyterMessage.parse({
    header: { msg_id: `m-${Math.random()}`, msg_type: type, session: "s", date: "", version: "5.3" },
    parent_header: { msg_id: parent },
    metadata: interact ? { interact } : {},
    content,
  });
}

/** A run whose cell makes `outer` (i1), whose first run makes `inner` (i2) inside it. */
function nestedRun(): TRunLog {
  const outer = spec("i1", "outer", [{ type: "slider", name: "k", label: "k", min: 1, max: 5, step: 1, default: 2, display_value: true }]);
  const inner = spec("i2", "inner", [
    { type: "slider", name: "c0", label: "c0", min: 0, max: 4, step: 1, default: 1, display_value: true },
    { type: "input_box", name: "title", label: "title", default: "sum", width: null, height: 1 },
  ]);
  const describe = (s: TInteractSpec) => ({ data: { [INTERACT_MIME]: s, "text/plain": `Interactive function ${s.name}` }, metadata: {} });
  return [
    msg("display_data", "cell", describe(outer)),
    msg("display_data", "cell", describe(inner), "i1"),
    msg("status", "cell", { execution_state: "idle" }),
  ].reduce((log, m, i) => applyMessage(log, i, m, 1000 + i), addCell(EMPTY_LOG, { msgId: "cell", code: null, file: "main.py" }));
}

describe("interact values", () => {
  describe("a link with values", () => {
    it("reopens an interact with every control as the reader left it", () => {
      const link = valuesLink({
        origin: "https://cellar.test",
        owner: "ada",
        slug: "plotter",
        oid: "abc123",
        interacts: { i1: { id: "i1", spec: PLOTTER, key: "1", parent: null, outputs: [], pending: null, shown: null } },
        values: { i1: MOVED },
        id: "i1",
      });
      const url = new URL(link);
      expect(url.origin + url.pathname).toBe("https://cellar.test/ada/plotter/rev/abc123");

      const saved = savedFromSearch(url.search);
      expect(restoreValues(PLOTTER, saved?.["1"])).toEqual(MOVED);
    });

    it("carries a nested interact's values under its parent's key, and its parent's with it", () => {
      const log = nestedRun();
      expect(log.interacts.i2?.key).toBe("1.1");
      const values = { i1: { k: 4 }, i2: { c0: 3, title: "total & more" } };

      // The link of the inner interact and the link of the outer one both restore both.
      for (const id of ["i1", "i2"]) {
        const saved = savedFromSearch(
          new URL(valuesLink({ origin: "https://cellar.test", owner: "ada", slug: "nest", oid: "f00", interacts: log.interacts, values, id })).search,
        );
        expect(restoreValues(log.interacts.i1!.spec, saved?.["1"])).toEqual({ k: 4 });
        expect(restoreValues(log.interacts.i2!.spec, saved?.["1.1"])).toEqual({ c0: 3, title: "total & more" });
      }
    });

    it("leaves out interacts unrelated to the one linked", () => {
      const other = spec("i9", "other", [{ type: "checkbox", name: "on", label: "on", default: false }]);
      const interacts = {
        i1: { id: "i1", spec: PLOTTER, key: "1", parent: null, outputs: [], pending: null, shown: null },
        i9: { id: "i9", spec: other, key: "2", parent: null, outputs: [], pending: null, shown: null },
      };
      const link = valuesLink({
        origin: "https://cellar.test",
        owner: "ada",
        slug: "two",
        oid: "f00",
        interacts,
        values: { i1: MOVED, i9: { on: true } },
        id: "i1",
      });
      expect(Object.keys(savedFromSearch(new URL(link).search) ?? {})).toEqual(["1"]);
    });

    it("never keeps a press: a reopened page does not press the button again", () => {
      const pressed = { ...MOVED, reset: true, roll: 2 };
      expect(lastingValues(PLOTTER, pressed)).toEqual(MOVED);
      // Nor does a hand-made link that says it was pressed.
      expect(restoreValues(PLOTTER, pressed)).toEqual(MOVED);
    });
  });

  describe("a malformed or hostile ?values=", () => {
    const cases: [string, string][] = [
      ["no values", "?other=1"],
      ["empty", "?values="],
      ["not JSON", "?values=%7Bnope"],
      ["broken percent-encoding", "?values=%E0%A4%A"],
      ["an array", `?values=${encodeURIComponent("[1,2]")}`],
      ["a string", `?values=${encodeURIComponent('"1"')}`],
      ["null", "?values=null"],
      ["keys that are not interact keys", `?values=${encodeURIComponent(JSON.stringify({ __proto__x: {}, "1.": {}, a: {}, "": {} }))}`],
      ["values that are not objects", `?values=${encodeURIComponent(JSON.stringify({ 1: [1, 2], 2: "x", 3: null, 4: 5 }))}`],
    ];
    it.each(cases)("is ignored when it is %s", (_, search) => {
      expect(savedFromSearch(search)).toBeNull();
    });

    it("cannot reach Object.prototype through __proto__", () => {
      const search = `?values=${encodeURIComponent('{"__proto__": {"polluted": 1}, "1": {"__proto__": {"polluted": 2}, "a": 3}}')}`;
      const saved = savedFromSearch(search);
      expect(Object.keys(saved ?? {})).toEqual(["1"]);
      const restored = restoreValues(PLOTTER, saved?.["1"]);
      expect(restored.a).toBe(3);
      expect(Object.keys(restored)).not.toContain("__proto__");
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it("keeps the defaults of controls whose saved value has the wrong shape, and drops unknown names", () => {
      const saved = {
        a: "7",
        window: [1, 2, 3],
        f: 12,
        A: [["1", "2"]],
        grid: "yes",
        style: null,
        colour: ["#000000"],
        note: "overwritten text",
        extra: 1,
      };
      expect(restoreValues(PLOTTER, saved)).toEqual(defaultValues(PLOTTER));
      expect(restoreValues(PLOTTER, { a: Number.NaN })).toEqual(defaultValues(PLOTTER));
    });

    it("keeps a well-formed key and skips the bad ones beside it", () => {
      const search = `?values=${encodeURIComponent(JSON.stringify({ "1.2": { a: 1 }, x: { a: 2 }, 3: "no" }))}`;
      expect(savedFromSearch(search)).toEqual({ "1.2": { a: 1 } });
    });
  });

  describe("updates waiting behind one in flight", () => {
    const change = (a: number): TInteractValues => ({ ...MOVED, a });
    const press = (roll: number | null, reset = false): TInteractValues => ({ ...MOVED, roll, reset });

    it("coalesce to the latest values while a slider is dragged", () => {
      let waiting: TInteractValues[] = [];
      for (let a = 1; a <= 100; a++) waiting = coalesce(PLOTTER, waiting, change(a / 10));
      expect(waiting).toEqual([change(10)]);
    });

    it("keep every button press, before and after other changes", () => {
      let waiting: TInteractValues[] = [];
      waiting = coalesce(PLOTTER, waiting, change(1));
      waiting = coalesce(PLOTTER, waiting, press(null, true));
      waiting = coalesce(PLOTTER, waiting, press(null, true));
      waiting = coalesce(PLOTTER, waiting, change(2));
      waiting = coalesce(PLOTTER, waiting, change(3));
      waiting = coalesce(PLOTTER, waiting, press(0));
      expect(waiting).toEqual([change(1), press(null, true), press(null, true), change(3), press(0)]);
    });
  });

  describe("the message when the session ended", () => {
    it.each([
      [{ reason: "idle", seconds: 600 }, "This interact stopped after 10 minutes without use."],
      [{ reason: "idle", seconds: 60 }, "This interact stopped after 1 minute without use."],
      [{ reason: "idle", seconds: 6 }, "This interact stopped after 6 seconds without use."],
      [{ reason: "idle", seconds: 1 }, "This interact stopped after 1 second without use."],
      [{ reason: "idle", seconds: 90 }, "This interact stopped after 90 seconds without use."],
      [{ reason: "idle", seconds: null }, "This interact stopped after a while without use."],
      [{ reason: "lifetime", seconds: 1800 }, "This interact stopped after its 30-minute limit."],
      [{ reason: "lifetime", seconds: 45 }, "This interact stopped after its 45-second limit."],
      [{ reason: "lifetime", seconds: null }, "This interact stopped after its time limit."],
      [{ reason: "limit", seconds: null }, "This interact stopped: its session went over a limit."],
      [{ reason: "replaced", seconds: null }, "This interact stopped: a newer run took its place."],
      [{ reason: "closed", seconds: null }, "This interact stopped: its session was closed."],
      [{ reason: "shutdown", seconds: null }, "This interact stopped: the server restarted."],
      [{ reason: "exited", seconds: null }, "This interact stopped: its Python process exited."],
      [{ reason: "failed", seconds: null }, "This interact stopped: its session ended unexpectedly."],
      [{ reason: "lost", seconds: null, lost: "service" as const }, "This interact stopped: the execution service restarted. Press Run again."],
      [{ reason: "lost", seconds: null, lost: "host" as const }, "This interact stopped: the execution host running it stopped. Press Run again."],
      [{ reason: "unknown", seconds: null }, "This interact stopped: its session ended."],
      [null, "This interact stopped: its session ended."],
    ])("says %j plainly", (end, text) => {
      expect(endMessage(end)).toBe(text);
    });
  });
});
