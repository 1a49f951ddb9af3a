import { describe, expect, it } from "vitest";
import { appendOutput, JOB_MIME, ZJupyterMessage, type TJupyterMessage, type TNbOutput } from "@/lib/exec/protocol";
import { jobText } from "@/lib/notebooks/run-outputs";
import { EMPTY_LOG, addCell, applyMessage } from "./run-log";

/** A message as the page parses it off the stream: a full header, metadata. */
const wire = (m: { header: { msg_id: string; msg_type: string }; parent_header: { msg_id?: string }; content: unknown }): TJupyterMessage =>
  ZJupyterMessage.parse({ ...m, header: { ...m.header, session: "s", date: "2026-12-08T00:00:00.000Z", version: "5.3" }, metadata: {} });

function progress(parent: string, job: string, done: number, failed: number, total: number, state = "running"): TJupyterMessage {
  return wire({
    header: { msg_id: `m-${Math.random()}`, msg_type: "display_data" },
    parent_header: { msg_id: parent },
    content: { data: { [JOB_MIME]: { job, done, failed, total, state }, "text/plain": "scatter" }, metadata: {} },
  });
}

describe("a scatter job's progress in the run log", () => {
  it("shows one progress per job, the latest replacing the earlier in place", () => {
    let log = addCell(EMPTY_LOG, { msgId: "a", code: "job = scatter(f, range(200))", file: null });
    const messages = [
      progress("a", "j1", 0, 0, 200),
      wire({ header: { msg_id: "s", msg_type: "stream" }, parent_header: { msg_id: "a" }, content: { name: "stdout", text: "started\n" } }),
      progress("a", "j1", 37, 2, 200),
      progress("a", "j2", 1, 0, 3),
      progress("a", "j1", 200, 2, 200, "done"),
    ];
    messages.forEach((m, i) => (log = applyMessage(log, i + 1, m, 1000 + i)));
    expect(log.cells[0]?.outputs).toEqual([
      { kind: "job", job: "j1", done: 200, failed: 2, total: 200, state: "done" },
      { kind: "stream", name: "stdout", text: "started\n" },
      { kind: "job", job: "j2", done: 1, failed: 0, total: 3, state: "running" },
    ]);
    expect(jobText({ done: 37, failed: 2, total: 200, state: "running" })).toBe("scatter: 37 / 200 tasks, 2 failed");
  });

  it("keeps a malformed progress as a plain display", () => {
    let log = addCell(EMPTY_LOG, { msgId: "a", code: null, file: null });
    log = applyMessage(log, 1, wire({ ...progress("a", "j", 0, 0, 1), content: { data: { [JOB_MIME]: { job: 5 }, "text/plain": "x" }, metadata: {} } }), 1);
    expect(log.cells[0]?.outputs[0]?.kind).toBe("display");
  });

  it("keeps one nbformat output per job in runToCompletion's outputs, the last", () => {
    const outputs: TNbOutput[] = [];
    const job = (done: number) => ({
      output_type: "display_data" as const,
      data: { [JOB_MIME]: { job: "j", done, failed: 0, total: 2, state: "running" } },
      metadata: {},
    });
    appendOutput(outputs, job(0));
    appendOutput(outputs, { output_type: "stream", name: "stdout", text: "x\n" });
    appendOutput(outputs, job(2));
    expect(outputs).toEqual([job(2), { output_type: "stream", name: "stdout", text: "x\n" }]);
  });
});
