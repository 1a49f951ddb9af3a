import { describe, expect, expectTypeOf, it } from "vitest";
import {
  MSG_TYPES,
  ZJupyterMessage,
  isDeadStatus,
  isMsgType,
  jupyterMessage,
  toNbOutput,
  type TContentOf,
  type TJupyterMessage,
  type TMsgType,
} from "./protocol";

/** A message as the service sends it (docs/exec.md section 3), of any msg_type and content. */
function wire(msgType: string, content: unknown, extra: Record<string, unknown> = {}): unknown {
  return {
    header: { msg_id: "m1", msg_type: msgType, session: "sess-0001", date: "2026-12-07T10:00:00.000Z", version: "5.3" },
    parent_header: { msg_id: "p1", msg_type: "execute_request", session: "sess-0001", date: "2026-12-07T09:59:59.000Z", version: "5.3" },
    metadata: {},
    content,
    ...extra,
  };
}

/** The issues of a refused message, as `path: message` lines. */
function refusal(raw: unknown): string[] {
  const r = ZJupyterMessage.safeParse(raw);
  expect(r.success, "the message was accepted").toBe(false);
  return r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
}

/** One message of each type the service sends, with content as docs/exec.md gives it. */
const EXAMPLES: { [T in TMsgType]: TContentOf<T> } = {
  status: { execution_state: "busy" },
  stream: { name: "stdout", text: "42\n" },
  display_data: { data: { "text/plain": "<Figure>", "image/png": "iVBOR" }, metadata: {} },
  execute_result: { execution_count: 3, data: { "text/plain": "42" }, metadata: {} },
  error: { ename: "ZeroDivisionError", evalue: "division by zero", traceback: ["Traceback", "ZeroDivisionError: division by zero"] },
  execute_reply: { status: "ok", execution_count: 3 },
};

describe("ZJupyterMessage (the messages crossing the exec boundary)", () => {
  it("knows exactly the msg_types the service sends", () => {
    expect([...MSG_TYPES].sort()).toEqual(["display_data", "error", "execute_reply", "execute_result", "status", "stream"]);
  });

  it.each(MSG_TYPES)("parses a %s message as it is on the wire, unchanged", (msgType) => {
    const raw = wire(msgType, EXAMPLES[msgType]);
    const m = ZJupyterMessage.parse(raw);
    expect(m).toEqual(raw);
    expect(isMsgType(m, msgType)).toBe(true);
    for (const other of MSG_TYPES) if (other !== msgType) expect(isMsgType(m, other)).toBe(false);
  });

  it("narrows content by msg_type (checked by the type checker, and at run time)", () => {
    const m: TJupyterMessage = ZJupyterMessage.parse(wire("status", { execution_state: "idle" }));
    if (isMsgType(m, "status")) {
      expectTypeOf(m.content).toEqualTypeOf<{ execution_state: "busy" | "idle" | "starting" | "dead" }>();
      expect(m.content.execution_state).toBe("idle");
    } else expect.unreachable("a status message");
    const e = ZJupyterMessage.parse(wire("error", EXAMPLES.error));
    if (isMsgType(e, "error")) {
      expectTypeOf(e.content.traceback).toEqualTypeOf<string[]>();
      expect(e.content.ename).toBe("ZeroDivisionError");
    } else expect.unreachable("an error message");
    const unnarrowed: TJupyterMessage = ZJupyterMessage.parse(wire("status", { execution_state: "idle" }));
    // @ts-expect-error -- without the guard, content is the union of every type's content: no execution_state to read.
    expect(unnarrowed.content.execution_state).toBe("idle");
  });

  it("fills what the service may leave out: display metadata, a reply's execution_count", () => {
    const d = ZJupyterMessage.parse(wire("display_data", { data: { "text/plain": "x" } }));
    expect(isMsgType(d, "display_data") && d.content.metadata).toEqual({});
    const r = ZJupyterMessage.parse(wire("execute_reply", { status: "aborted" }));
    expect(isMsgType(r, "execute_reply") && r.content.execution_count).toBe(null);
  });

  it("keeps the session's final dead status with its reason, and tells it apart", () => {
    const dead = ZJupyterMessage.parse(wire("status", { execution_state: "dead" }, { parent_header: {}, metadata: { reason: "idle", seconds: 600 } }));
    expect(isDeadStatus(dead)).toBe(true);
    expect(dead.metadata).toEqual({ reason: "idle", seconds: 600 });
    expect(dead.parent_header).toEqual({});
    expect(isDeadStatus(ZJupyterMessage.parse(wire("status", { execution_state: "idle" })))).toBe(false);
    expect(isDeadStatus(ZJupyterMessage.parse(wire("stream", EXAMPLES.stream)))).toBe(false);
  });

  it("refuses a message of a msg_type it does not know, naming it and the known ones", () => {
    expect(refusal(wire("comm_open", { comm_id: "c", target_name: "jupyter.widget", data: {} }))).toEqual([
      'header.msg_type: unknown msg_type "comm_open" (known: status, stream, display_data, execute_result, error, execute_reply)',
    ]);
    // What R sends the service and the service keeps to itself is not a message of the stream either.
    expect(refusal(wire("dropped", { bytes: 10 }))[0]).toMatch(/^header\.msg_type: unknown msg_type "dropped"/);
    expect(refusal(wire("complete_reply", { status: "ok", matches: [], cursor_start: 0, cursor_end: 0, metadata: {} }))[0]).toMatch(/unknown msg_type/);
    // A key that only looks like one (not the object's own).
    expect(refusal(wire("toString", {}))[0]).toMatch(/unknown msg_type "toString"/);
  });

  it("refuses content that does not fit its msg_type, saying where and why", () => {
    expect(refusal(wire("status", { execution_state: "sleepy" }))).toEqual([
      'content.execution_state: status: Invalid option: expected one of "busy"|"idle"|"starting"|"dead"',
    ]);
    expect(refusal(wire("stream", { name: "stdout" }))).toEqual(["content.text: stream: Invalid input: expected string, received undefined"]);
    expect(refusal(wire("error", { ename: "E", evalue: "v" }))).toEqual(["content.traceback: error: Invalid input: expected array, received undefined"]);
  });

  it("refuses a malformed envelope: no header, no msg_type, a header missing its fields", () => {
    expect(refusal("status")[0]).toBe(": a Jupyter message is an object with a header");
    expect(refusal({ content: {} })[0]).toMatch(/^header: /);
    expect(refusal({ header: {}, content: {} })).toEqual(["header.msg_type: header.msg_type is required"]);
    const noSession = wire("stream", EXAMPLES.stream) as { header: Record<string, unknown> };
    delete noSession.header.session;
    expect(refusal(noSession)).toEqual(["header.session: stream: Invalid input: expected string, received undefined"]);
  });

  it("drops keys a message type does not have, except in execute_reply's content", () => {
    const s = ZJupyterMessage.parse(wire("stream", { ...EXAMPLES.stream, extra: 1 }));
    expect(s.content).toEqual(EXAMPLES.stream);
    const r = ZJupyterMessage.parse(wire("execute_reply", { status: "ok", execution_count: 1, user_expressions: {} }));
    expect(r.content).toEqual({ status: "ok", execution_count: 1, user_expressions: {} });
  });
});

describe("jupyterMessage (the service's and the site's own messages)", () => {
  it("makes a message that parses back unchanged", () => {
    const m = jupyterMessage({
      msgType: "error",
      msgId: "x",
      session: "sess-0001",
      parent: { msg_id: "p" },
      content: { ename: "LimitExceeded", evalue: "stopped", traceback: ["stopped"] },
      metadata: { limit: "time" },
    });
    expect(ZJupyterMessage.parse(m)).toEqual(m);
    expect(m.header.version).toBe("5.3");
    expect(Number.isFinite(Date.parse(m.header.date))).toBe(true);
    expectTypeOf(jupyterMessage<"status">)
      .parameter(0)
      .toHaveProperty("content")
      .toEqualTypeOf<TContentOf<"status">>();
  });
});

describe("toNbOutput", () => {
  it("turns each output message into its nbformat output, and the others into nothing", () => {
    const out = (t: TMsgType) => toNbOutput(ZJupyterMessage.parse(wire(t, EXAMPLES[t])));
    expect(out("stream")).toEqual({ output_type: "stream", name: "stdout", text: "42\n" });
    expect(out("display_data")).toEqual({ output_type: "display_data", ...EXAMPLES.display_data });
    expect(out("execute_result")).toEqual({ output_type: "execute_result", ...EXAMPLES.execute_result });
    expect(out("error")).toEqual({ output_type: "error", ...EXAMPLES.error });
    expect(out("status")).toBe(null);
    expect(out("execute_reply")).toBe(null);
  });
});
