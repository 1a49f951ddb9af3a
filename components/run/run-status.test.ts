import { describe, expect, it } from "vitest";
import { ZJupyterMessage } from "@/lib/exec/protocol";
import { EMPTY_LOG, addCell, applyMessage, type TRunLog } from "@/lib/runs/run-log";
import { statusLine } from "./run-status";

/** The kernel's messages for one cell, stamped by the service's clock: busy at `start`, idle at `end` (ms since the epoch). */
function ranOnService(log: TRunLog, msgId: string, start: number, end: number, reply: "ok" | "error" = "ok"): TRunLog {
  const at = (ms: number) => new Date(ms).toISOString();
  const message = (id: string, msg_type: string, date: string, content: Record<string, unknown>) =>
    ZJupyterMessage.parse({ header: { msg_id: id, msg_type, session: "s", date, version: "5.3" }, parent_header: { msg_id: msgId }, metadata: {}, content });
  const messages = [
    message(`${msgId}-b`, "status", at(start), { execution_state: "busy" }),
    message(`${msgId}-r`, "execute_reply", at(end), { status: reply }),
    message(`${msgId}-i`, "status", at(end), { execution_state: "idle" }),
  ];
  return messages.reduce((l, m) => applyMessage(l, l.lastSeq + 1, m, 0), log);
}

describe("statusLine", () => {
  it("times Run from the press to the output shown, not the kernel's few milliseconds", () => {
    // The second Run of a /cell page: a fresh session whose code ran in 3 ms of kernel time, shown 400 ms after the press.
    const log = ranOnService(addCell(EMPTY_LOG, { msgId: "run", code: null, file: null }), "run", 1_000_000, 1_000_003);
    expect(statusLine("open", log)).toBe("Done in 3 ms.");
    expect(statusLine("open", log, { run: { sentAt: 5_000, doneAt: 5_400 } })).toBe("Done in 0.4 s.");
  });

  it("names a later cell of the session, timed from its own sending", () => {
    let log = ranOnService(addCell(EMPTY_LOG, { msgId: "run", code: null, file: null }), "run", 1_000_000, 1_000_900);
    log = ranOnService(addCell(log, { msgId: "c2", code: "1 + 1", file: null }), "c2", 1_002_000, 1_002_002);
    const clocks = { run: { sentAt: 0, doneAt: 1_200 }, c2: { sentAt: 3_000, doneAt: 3_050 } };
    expect(statusLine("open", log, clocks)).toBe("Cell 2 done in 50 ms.");
    log = ranOnService(addCell(log, { msgId: "c3", code: "1 / 0", file: null }), "c3", 1_004_000, 1_004_001, "error");
    expect(statusLine("open", log, { ...clocks, c3: { sentAt: 5_000, doneAt: null } })).toBe("Cell 3 finished with an error after 1 ms.");
  });

  it("says what went away when the site ended a run whose host or service was lost, in the site's words", () => {
    const running = addCell(EMPTY_LOG, { msgId: "run", code: null, file: null });
    const lost = (metadata: Record<string, unknown>) =>
      applyMessage(
        running,
        0,
        ZJupyterMessage.parse({
          header: { msg_id: "lost-s", msg_type: "status", session: "s", date: new Date(0).toISOString(), version: "5.3" },
          parent_header: {},
          metadata,
          content: { execution_state: "dead" },
        }),
        0,
      );
    const host = "The execution host running this run stopped; this run ended. Press Run again.";
    expect(statusLine("open", lost({ reason: "lost", lost: "host", message: host }))).toBe(host);
    expect(statusLine("open", lost({ reason: "lost" }))).toBe("The execution service restarted; this run ended. Press Run again.");
  });

  it("says Running… until the cell is seen finished", () => {
    const log = addCell(EMPTY_LOG, { msgId: "run", code: null, file: null });
    expect(statusLine("open", log, { run: { sentAt: 0, doneAt: null } })).toBe("Waiting for a runner…");
    expect(statusLine("starting", EMPTY_LOG)).toBe("Starting…");
  });
});
