import { describe, expect, it } from "vitest";
import { ZClientFrame, closeReason, frameProblem, isComplete, kernelMessage } from "./messages";

describe("is_complete", () => {
  it("waits for more after an opening block, an open bracket, an open triple-quoted string or a backslash", () => {
    expect(isComplete("for i in range(3):")).toEqual({ status: "incomplete", indent: "    " });
    expect(isComplete("x = [1,\n 2,")).toMatchObject({ status: "incomplete" });
    expect(isComplete('s = """abc')).toMatchObject({ status: "incomplete" });
    expect(isComplete("x = 1 + \\")).toMatchObject({ status: "incomplete" });
    expect(isComplete("if x:\n    y = 1")).toEqual({ status: "incomplete", indent: "    " });
  });

  it("calls a finished statement complete, whatever brackets hide in strings and comments", () => {
    expect(isComplete("print(1)")).toEqual({ status: "complete" });
    expect(isComplete("s = '(['  # ({[")).toEqual({ status: "complete" });
    expect(isComplete("if x:\n    y = 1\n\n")).toEqual({ status: "complete" });
    expect(isComplete('s = """a\nb"""')).toEqual({ status: "complete" });
  });
});

describe("client frames", () => {
  const frame = { channel: "shell", header: { msg_id: "m", msg_type: "execute_request", session: "s" }, content: { code: "1" } };

  it("takes a message with its channel, header and content", () => {
    expect(ZClientFrame.safeParse(frame).success).toBe(true);
  });

  it("refuses a frame without a header, on another channel, or with binary buffers, saying which field", () => {
    const noHeader = ZClientFrame.safeParse({ ...frame, header: undefined });
    expect(noHeader.success || frameProblem(noHeader.error)).toMatch(/^malformed message: header/);
    const iopub = ZClientFrame.safeParse({ ...frame, channel: "iopub" });
    expect(iopub.success || frameProblem(iopub.error)).toMatch(/channel must be shell, control or stdin/);
    const buffers = ZClientFrame.safeParse({ ...frame, buffers: ["AAAA"] });
    expect(buffers.success || frameProblem(buffers.error)).toMatch(/binary buffers/);
  });

  it("cuts a close reason to the 123 bytes a close frame holds", () => {
    expect(Buffer.byteLength(closeReason("é".repeat(200)))).toBeLessThanOrEqual(123);
  });
});

describe("kernel messages", () => {
  it("carry the kernel's session, protocol 5.3 and the request as parent", () => {
    const parent = { msg_id: "req", msg_type: "kernel_info_request", session: "client" };
    const m = kernelMessage({ channel: "shell", type: "kernel_info_reply", session: "kernel", parent, content: {} });
    expect(m.header).toMatchObject({ msg_type: "kernel_info_reply", session: "kernel", version: "5.3" });
    expect(m.parent_header).toBe(parent);
    expect(m.header.msg_id).not.toBe(kernelMessage({ channel: "iopub", type: "status", session: "kernel", parent: null, content: {} }).header.msg_id);
  });
});
