import { describe, expect, it } from "vitest";
import { EMPTY_LOG, addCell, applyMessage, type TRunLog, type TRunMessage } from "./run-log";

function msg(type: string, parent: string | null, content: Record<string, unknown>): TRunMessage {
  return { header: { msg_id: `m-${Math.random()}`, msg_type: type }, parent_header: parent ? { msg_id: parent } : {}, content };
}

/** Applies messages with seq numbers from `from`, one millisecond apart. */
function play(log: TRunLog, from: number, ...messages: TRunMessage[]): TRunLog {
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
    const at = (type: string, content: Record<string, unknown>, date: string): TRunMessage => ({
      header: { msg_id: `m-${date}`, msg_type: type, date },
      parent_header: { msg_id: "t" },
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

  it("drops content that does not have its type's shape", () => {
    const log = play(EMPTY_LOG, 0, msg("stream", "d", { name: "stdin", text: 3 }), msg("display_data", "d", { data: "nope" }));
    expect(log.cells[0]?.outputs).toEqual([]);
  });
});
