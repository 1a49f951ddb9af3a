import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { ExecError } from "@/lib/exec/client";
import { fromExecError } from "./exec-client";

const mapped = (e: ExecError) => fromExecError(e) as AppError;

describe("fromExecError", () => {
  it("tells a full session queue from a visitor over their share of sessions", () => {
    const queue = mapped(new ExecError("QUEUE_FULL", "Too many cells are waiting in this session", 429, 1));
    expect(queue).toBeInstanceOf(AppError);
    expect(queue.code).toBe("RATE_LIMITED");
    expect(queue.message).toMatch(/waiting in this run/);
    expect(queue.details).toEqual({ retryAfter: 1 });

    const share = mapped(new ExecError("TOO_MANY_SESSIONS", "client has too many sessions", 429, 30));
    expect(share.message).toMatch(/as many runs going as one visitor may/);
    expect(share.details).toEqual({ retryAfter: 30 });
  });

  it("says Run is unavailable when the service does not answer, and keeps a busy service's wait", () => {
    expect(mapped(new ExecError("UNREACHABLE", "connect ECONNREFUSED")).message).toMatch(/Run is unavailable/);
    const busy = mapped(new ExecError("BUSY", "all runners busy", 503, 2.5));
    expect(busy.message).toBe("All runners are busy. Try again in 3 seconds.");
    expect(busy.details).toEqual({ retryAfter: 3 });
  });

  it("names the kernels the service has when it lacks the one asked for", () => {
    const e = fromExecError(new ExecError("UNKNOWN_KERNEL", 'unknown kernel "sage"', 422, undefined, { kernels: ["python"] }), { kernel: "sage" }) as AppError;
    expect(e.code).toBe("INVALID");
    expect(e.status).toBe(422);
    expect(e.message).toBe("This server runs Python (python) only; it has no SageMath (sage) kernel.");
    expect(e.details).toEqual({ kernels: ["python"] });
  });
});
