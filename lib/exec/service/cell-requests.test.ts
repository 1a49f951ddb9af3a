import { afterEach, describe, expect, it, vi } from "vitest";
import { CellRequests, RequestError, RequestLimiter, SessionRequestChannel, type TRequester } from "@/lib/exec/service/cell-requests";

const from = { id: "s1", client: "c", kernel: "python", inputFiles: [], role: "user" } as unknown as TRequester;
const cell = { msgId: "m1", date: "" };

describe("service requests", () => {
  afterEach(() => vi.useRealTimers());

  it("dispatches by op, and answers unknown ops, refusals and failures with clear errors", async () => {
    const requests = new CellRequests();
    requests.register("test.echo", (_from, _cell, content) => ({ echo: content }));
    requests.register("test.refuse", () => {
      throw new RequestError("NOPE", "not for you");
    });
    requests.register("test.break", () => {
      throw new Error("internal detail");
    });
    expect(() => requests.register("test.echo", () => ({}))).toThrow(/twice/);
    expect(await requests.handle(from, cell, { id: 1, op: "test.echo", x: 2 })).toEqual({ echo: { x: 2 } });
    expect(await requests.handle(from, cell, { id: 2, op: "nope" })).toEqual({
      error: { code: "UNKNOWN_OP", message: 'unknown service request "nope" (this service answers: test.break, test.echo, test.refuse)' },
    });
    expect(await requests.handle(from, cell, { id: 3, op: "test.refuse" })).toEqual({ error: { code: "NOPE", message: "not for you" } });
    // Nothing internal reaches the cell.
    expect(await requests.handle(from, cell, { id: 4, op: "test.break" })).toEqual({ error: { code: "FAILED", message: "test.break failed in the service" } });
  });

  it("limits a session's rate and its unanswered requests", () => {
    vi.useFakeTimers();
    const limiter = new RequestLimiter({ perSecond: 10, burst: 3, inFlight: 2 });
    expect(limiter.tryStart()).toBeNull();
    expect(limiter.tryStart()).toBeNull();
    expect(limiter.tryStart()).toBe("more than 2 service requests are waiting for an answer");
    limiter.finish();
    expect(limiter.tryStart()).toBeNull();
    limiter.finish();
    limiter.finish();
    expect(limiter.tryStart()).toBe("more than 10 service requests per second");
    vi.advanceTimersByTime(100);
    expect(limiter.tryStart()).toBeNull();
    limiter.finish();
    // A large answer costs as many requests as its 64 KB pieces.
    vi.advanceTimersByTime(300);
    limiter.charge(3 * 64 * 1024);
    expect(limiter.tryStart()).toBe("more than 10 service requests per second");
  });

  it("takes only well-formed requests of the running cell, and answers each by its id", async () => {
    const requests = new CellRequests();
    requests.register("test.echo", (_f, _c, content) => ({ got: content.x }));
    const channel = new SessionRequestChannel(requests, { perSecond: 100, burst: 100, inFlight: 10 });
    const replies: [number, unknown][] = [];
    const reply = (id: number, r: unknown) => replies.push([id, r]) && 10;
    channel.take(from, cell, { msg_type: "service_request", parent: "m1", content: { id: 7, op: "test.echo", x: 1 } }, 100, reply);
    channel.take(from, cell, { msg_type: "service_request", parent: "other", content: { id: 8, op: "test.echo" } }, 100, reply);
    channel.take(from, cell, { msg_type: "service_request", parent: "m1", content: { id: -1, op: "test.echo" } }, 100, reply);
    channel.take(from, cell, { msg_type: "service_request", parent: "m1", content: { id: 9, op: "Bad Op" } }, 100, reply);
    channel.take(from, cell, { msg_type: "service_request", parent: "m1", content: { id: 10, op: "test.echo" } }, 5 << 20, reply);
    await new Promise((r) => setTimeout(r, 10));
    expect(replies).toEqual([[7, { got: 1 }]]);
  });
});
