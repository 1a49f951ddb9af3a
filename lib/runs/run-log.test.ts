import { describe, expect, it } from "vitest";
import { ZJupyterMessage, type TJupyterMessage } from "@/lib/exec/protocol";
import { EMPTY_LOG, INTERACT_MIME, addCell, applyMessage, beginUpdate, isOwnMessage, type TRunLog } from "./run-log";

/** A message as the page reads it (parsed as the page does), without a date: timed by its arrival. */
function msg(type: string, parent: string | null, content: Record<string, unknown>): TJupyterMessage {
  return ZJupyterMessage.parse({
    header: { msg_id: `m-${Math.random()}`, msg_type: type, session: "s", date: "", version: "5.3" },
    parent_header: parent ? { msg_id: parent } : {},
    metadata: {},
    content,
  });
}

/** Applies messages with seq numbers from `from`, one millisecond apart. */
function play(log: TRunLog, from: number, ...messages: TJupyterMessage[]): TRunLog {
  return messages.reduce((l, m, i) => applyMessage(l, from + i, m, 1000 + from + i), log);
}

describe("run log", () => {
  it("builds a cell from its messages: streams joined per name, result, reply", () => {
    let log = addCell(EMPTY_LOG, { msgId: "a", code: null, file: "main.py" });
    log = play(
      log,
      0,
      msg("status", "a", { execution_state: "busy" }),
      msg("stream", "a", { name: "stdout", text: "1\n" }),
      msg("stream", "a", { name: "stdout", text: "2\n" }),
      msg("stream", "a", { name: "stderr", text: "warn\n" }),
      msg("execute_result", "a", { execution_count: 1, data: { "text/plain": "42" }, metadata: {} }),
      msg("execute_reply", "a", { status: "ok", execution_count: 1 }),
      msg("status", "a", { execution_state: "idle" }),
    );
    const [cell] = log.cells;
    expect(cell?.file).toBe("main.py");
    expect(cell?.state).toBe("ok");
    expect(cell?.count).toBe(1);
    expect(cell?.outputs).toEqual([
      { kind: "stream", name: "stdout", text: "1\n2\n" },
      { kind: "stream", name: "stderr", text: "warn\n" },
      { kind: "result", count: 1, data: { "text/plain": "42" } },
    ]);
    expect(cell?.startedAt).toBe(1000);
    expect(log.lastSeq).toBe(6);
  });

  it("times a cell by the messages' own dates, not by when they arrived", () => {
    const at = (type: string, content: Record<string, unknown>, date: string): TJupyterMessage =>
      ZJupyterMessage.parse({
        header: { msg_id: `m-${date}`, msg_type: type, session: "s", date, version: "5.3" },
        parent_header: { msg_id: "t" },
        metadata: {},
        content,
      });
    const log = [
      at("status", { execution_state: "busy" }, "2026-11-22T10:00:00.000Z"),
      at("execute_reply", { status: "ok", execution_count: 1 }, "2026-11-22T10:00:01.250Z"),
    ].reduce((l, m, i) => applyMessage(l, i, m, 99), EMPTY_LOG);
    const cell = log.cells[0];
    expect((cell?.endedAt ?? 0) - (cell?.startedAt ?? 0)).toBe(1250);
  });

  it("ignores messages seen before (a reconnect that repeats the last one)", () => {
    const once = play(EMPTY_LOG, 0, msg("stream", "a", { name: "stdout", text: "x" }));
    const again = applyMessage(once, 0, msg("stream", "a", { name: "stdout", text: "x" }), 5);
    expect(again.cells[0]?.outputs).toEqual([{ kind: "stream", name: "stdout", text: "x" }]);
  });

  it("keeps output that arrived before the page learned the cell's id, and then names it", () => {
    let log = play(EMPTY_LOG, 0, msg("stream", "b", { name: "stdout", text: "early" }));
    log = addCell(log, { msgId: "b", code: "print('early')", file: null });
    expect(log.cells).toHaveLength(1);
    expect(log.cells[0]?.code).toBe("print('early')");
    expect(log.cells[0]?.outputs).toHaveLength(1);
  });

  it("shows a limit in plain words and ends the session's unfinished cells", () => {
    let log = addCell(EMPTY_LOG, { msgId: "c", code: "x = ' ' * 10**10", file: null });
    log = play(
      log,
      0,
      msg("status", "c", { execution_state: "busy" }),
      msg("error", "c", { ename: "LimitExceeded", evalue: "stopped: used more than 512 MB of memory", traceback: [] }),
      msg("status", null, { execution_state: "dead" }),
    );
    expect(log.dead).toBe(true);
    expect(log.cells[0]?.outputs).toEqual([{ kind: "limit", text: "stopped: used more than 512 MB of memory" }]);
    expect(log.cells[0]?.state).toBe("error");
  });

  it("never sees content that does not have its type's shape: the page's parse refuses the message", () => {
    const refused = (type: string, content: Record<string, unknown>) =>
      !ZJupyterMessage.safeParse({
        header: { msg_id: "m", msg_type: type, session: "s", date: "", version: "5.3" },
        parent_header: { msg_id: "d" },
        metadata: {},
        content,
      }).success;
    expect(refused("stream", { name: "stdin", text: 3 })).toBe(true);
    expect(refused("display_data", { data: "nope" })).toBe(true);
    expect(refused("stream", { name: "stdout", text: "3" })).toBe(false);
  });

  describe("interacts", () => {
    /** A message an interact's function made: metadata.interact names it. */
    function tagged(type: string, parent: string, interact: string, content: Record<string, unknown>, request?: "interact_request"): TJupyterMessage {
      return { ...msg(type, parent, content), metadata: { interact }, parent_header: { msg_id: parent, ...(request ? { msg_type: request } : {}) } };
    }
    /** A message of an update (the service's busy/idle are not tagged). */
    function ofUpdate(type: string, parent: string, content: Record<string, unknown>): TJupyterMessage {
      return { ...msg(type, parent, content), parent_header: { msg_id: parent, msg_type: "interact_request" } };
    }
    function description(
      id: string,
      controls: unknown[] = [{ type: "slider", name: "n", label: "n", min: 0, max: 10, step: 1, default: 3, display_value: true }],
    ) {
      const spec = { version: 1, id, name: "f", auto_update: true, controls, layout: { top: [["n"]], bottom: [], left: [], right: [] } };
      return { data: { [INTERACT_MIME]: spec, "text/plain": "Interactive function f with controls n" }, metadata: {} };
    }
    const out = (text: string) => ({ name: "stdout", text });

    /** A cell that makes interact i1 and prints "n=3" from its first run. */
    function made(): TRunLog {
      const log = addCell(EMPTY_LOG, { msgId: "c", code: null, file: "main.py" });
      return play(
        log,
        0,
        msg("status", "c", { execution_state: "busy" }),
        msg("display_data", "c", description("i1")),
        tagged("stream", "c", "i1", out("n=3\n")),
        msg("execute_reply", "c", { status: "ok", execution_count: 1 }),
        msg("status", "c", { execution_state: "idle" }),
      );
    }

    it("places the description in the cell and the first run's output in the interact, keyed 1", () => {
      const log = made();
      expect(log.cells).toHaveLength(1);
      expect(log.cells[0]?.outputs).toEqual([{ kind: "interact", id: "i1" }]);
      expect(log.cells[0]?.state).toBe("ok");
      const x = log.interacts.i1;
      expect(x?.key).toBe("1");
      expect(x?.spec.controls[0]).toMatchObject({ type: "slider", name: "n", default: 3 });
      expect(x?.outputs).toEqual([{ kind: "stream", name: "stdout", text: "n=3\n" }]);
      expect(x?.pending).toBeNull();
    });

    it("keeps an update out of the cells and replaces the output at its first output, not before", () => {
      let log = beginUpdate(made(), "i1", "u1");
      expect(log.interacts.i1?.pending).toBe("u1");
      log = play(log, 10, ofUpdate("status", "u1", { execution_state: "busy" }));
      // Still the previous output while the update runs: no blank flash.
      expect(log.interacts.i1?.outputs).toEqual([{ kind: "stream", name: "stdout", text: "n=3\n" }]);
      log = play(
        log,
        11,
        tagged("display_data", "u1", "i1", { data: { "image/png": "iVBORw0KGgo=", "text/plain": "<Figure>" } }, "interact_request"),
        tagged("stream", "u1", "i1", out("n=7\n"), "interact_request"),
        tagged("stream", "u1", "i1", out("done\n"), "interact_request"),
      );
      expect(log.interacts.i1?.outputs).toEqual([
        { kind: "display", data: { "image/png": "iVBORw0KGgo=", "text/plain": "<Figure>" } },
        { kind: "stream", name: "stdout", text: "n=7\ndone\n" },
      ]);
      expect(log.interacts.i1?.pending).toBe("u1");
      log = play(log, 14, ofUpdate("execute_reply", "u1", { status: "ok", execution_count: null }), ofUpdate("status", "u1", { execution_state: "idle" }));
      expect(log.interacts.i1?.pending).toBeNull();
      expect(log.updates.u1?.done).toBe(true);
      expect(log.cells.map((c) => c.msgId)).toEqual(["c"]);
      expect(log.cells[0]?.count).toBe(1);
    });

    it("clears the output at the end of an update that printed nothing", () => {
      let log = beginUpdate(made(), "i1", "u1");
      log = play(log, 10, ofUpdate("status", "u1", { execution_state: "busy" }), ofUpdate("execute_reply", "u1", { status: "ok", execution_count: null }));
      expect(log.interacts.i1?.outputs).toHaveLength(1);
      log = play(log, 12, ofUpdate("status", "u1", { execution_state: "idle" }));
      expect(log.interacts.i1?.outputs).toEqual([]);
    });

    it("handles an update whose messages all came before the site's answer named it", () => {
      let log = play(
        made(),
        10,
        ofUpdate("status", "u1", { execution_state: "busy" }),
        tagged("stream", "u1", "i1", out("n=9\n"), "interact_request"),
        ofUpdate("status", "u1", { execution_state: "idle" }),
      );
      expect(log.cells).toHaveLength(1);
      expect(log.interacts.i1?.outputs).toEqual([{ kind: "stream", name: "stdout", text: "n=9\n" }]);
      log = beginUpdate(log, "i1", "u1");
      // Already finished: nothing is left in flight to wait for, and the output stays.
      expect(log.interacts.i1?.pending).toBeNull();
      expect(log.interacts.i1?.outputs).toEqual([{ kind: "stream", name: "stdout", text: "n=9\n" }]);
    });

    it("shows an update's error in place, and a service error of the update there too", () => {
      let log = beginUpdate(made(), "i1", "u1");
      log = play(
        log,
        10,
        tagged(
          "error",
          "u1",
          "i1",
          { ename: "ZeroDivisionError", evalue: "division by zero", traceback: ["ZeroDivisionError: division by zero"] },
          "interact_request",
        ),
        ofUpdate("status", "u1", { execution_state: "idle" }),
      );
      expect(log.interacts.i1?.outputs).toEqual([
        { kind: "error", ename: "ZeroDivisionError", evalue: "division by zero", traceback: ["ZeroDivisionError: division by zero"] },
      ]);
      expect(log.cells[0]?.state).toBe("ok");
      log = beginUpdate(log, "i1", "u2");
      log = play(
        log,
        12,
        ofUpdate("error", "u2", { ename: "LimitExceeded", evalue: "stopped: ran longer than 30 s", traceback: [] }),
        ofUpdate("status", "u2", { execution_state: "idle" }),
      );
      expect(log.interacts.i1?.outputs).toEqual([{ kind: "limit", text: "stopped: ran longer than 30 s" }]);
    });

    it("nests an interact made by another's function in its area, keyed under it, and forgets it when the parent runs again", () => {
      let log = addCell(EMPTY_LOG, { msgId: "c", code: null, file: "main.py" });
      log = play(
        log,
        0,
        msg("display_data", "c", description("p")),
        tagged("stream", "c", "p", out("outer\n")),
        tagged("display_data", "c", "p", description("q")),
        tagged("stream", "c", "q", out("inner\n")),
        msg("status", "c", { execution_state: "idle" }),
      );
      expect(log.cells[0]?.outputs).toEqual([{ kind: "interact", id: "p" }]);
      expect(log.interacts.p?.outputs).toEqual([
        { kind: "stream", name: "stdout", text: "outer\n" },
        { kind: "interact", id: "q" },
      ]);
      expect(log.interacts.q).toMatchObject({ key: "1.1", parent: "p", outputs: [{ kind: "stream", name: "stdout", text: "inner\n" }] });

      // The nested one's own update replaces only its output.
      log = beginUpdate(log, "q", "uq");
      log = play(log, 5, tagged("stream", "uq", "q", out("inner 2\n"), "interact_request"), ofUpdate("status", "uq", { execution_state: "idle" }));
      expect(log.interacts.q?.outputs).toEqual([{ kind: "stream", name: "stdout", text: "inner 2\n" }]);
      expect(log.interacts.p?.outputs).toHaveLength(2);

      // The parent runs again: a new nested interact takes the old one's place and key.
      log = beginUpdate(log, "p", "up");
      log = play(
        log,
        7,
        tagged("stream", "up", "p", out("outer 2\n"), "interact_request"),
        tagged("display_data", "up", "p", description("r")),
        tagged("stream", "up", "r", out("inner again\n"), "interact_request"),
        ofUpdate("status", "up", { execution_state: "idle" }),
      );
      expect(log.interacts.q).toBeUndefined();
      expect(log.interacts.r).toMatchObject({ key: "1.1", parent: "p", outputs: [{ kind: "stream", name: "stdout", text: "inner again\n" }] });
      expect(log.interacts.p?.outputs).toEqual([
        { kind: "stream", name: "stdout", text: "outer 2\n" },
        { kind: "interact", id: "r" },
      ]);
      expect(log.cells).toHaveLength(1);
    });

    it("keys top-level interacts in order of appearance across cells", () => {
      let log = made();
      log = addCell(log, { msgId: "d", code: "@interact\ndef g(x=1): print(x)", file: null });
      log = play(log, 10, msg("display_data", "d", description("i2")));
      expect(log.interacts.i2?.key).toBe("2");
    });

    it("reads a range slider sent as a slider whose default is a pair", () => {
      const log = play(
        EMPTY_LOG,
        0,
        msg(
          "display_data",
          "c",
          description("i1", [{ type: "slider", name: "r", label: "r", min: 0, max: 10, step: 1, default: [2, 5], display_value: true }]),
        ),
      );
      expect(log.interacts.i1?.spec.controls[0]).toMatchObject({ type: "range_slider", default: [2, 5] });
    });

    it("shows a description it cannot read as its plain text", () => {
      const log = play(EMPTY_LOG, 0, msg("display_data", "c", { data: { [INTERACT_MIME]: { version: 2 }, "text/plain": "Interactive function f" } }));
      expect(log.cells[0]?.outputs).toEqual([{ kind: "display", data: { [INTERACT_MIME]: { version: 2 }, "text/plain": "Interactive function f" } }]);
      expect(log.interacts).toEqual({});
    });

    it("keeps why the session ended, and leaves no update in flight", () => {
      let log = beginUpdate(made(), "i1", "u1");
      log = play(log, 10, { ...msg("status", null, { execution_state: "dead" }), metadata: { reason: "idle", seconds: 600 } });
      expect(log.dead).toBe(true);
      expect(log.end).toEqual({ reason: "idle", seconds: 600 });
      expect(log.interacts.i1?.pending).toBeNull();
      expect(log.interacts.i1?.outputs).toHaveLength(1);
      const closed = play(made(), 10, { ...msg("status", null, { execution_state: "dead" }), metadata: { reason: "closed" } });
      expect(closed.end).toEqual({ reason: "closed", seconds: null });
    });
  });
});

describe("isOwnMessage (a session shared by linked cells)", () => {
  it("keeps this log's cells, its interacts' updates and the session's status; drops other cells'", () => {
    const log = { ...addCell(EMPTY_LOG, { msgId: "mine", code: null, file: null }), updates: { upd: { interact: "i1", done: false } } };
    expect(isOwnMessage(log, msg("stream", "mine", { name: "stdout", text: "1" }))).toBe(true);
    expect(isOwnMessage(log, msg("stream", "upd", { name: "stdout", text: "1" }))).toBe(true);
    expect(isOwnMessage(log, msg("status", null, { execution_state: "dead" }))).toBe(true);
    expect(isOwnMessage(log, msg("stream", "theirs", { name: "stdout", text: "42" }))).toBe(false);
    // An update's messages before its id is known: kept when they name one of this log's interacts.
    const early = (interact: string): TJupyterMessage => ({
      ...msg("stream", "upd2", { name: "stdout", text: "x" }),
      metadata: { interact },
      parent_header: { msg_id: "upd2", msg_type: "interact_request" },
    });
    const withInteract = { ...log, interacts: { i1: {} as TRunLog["interacts"][string] } };
    expect(isOwnMessage(withInteract, early("i1"))).toBe(true);
    expect(isOwnMessage(withInteract, early("other"))).toBe(false);
  });
});
