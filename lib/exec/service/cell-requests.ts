/**
 * Service requests from a running cell (docs/exec.md, "Service requests"): the kernel sends
 * `{"msg_type": "service_request", "parent", "content": {"id", "op", ...}}` through the relay
 * (only while a cell runs), the session hands it here, a handler registered for its `op`
 * answers, and the session writes `{"op": "service_reply", "id", ...}` back while the same cell
 * still runs. Everything in a request is the cell's, hence untrusted: handlers parse their own
 * fields (zod) and act only for the requesting session (`TRequester`). Each session's requests
 * are bounded by a `RequestLimiter` (rate, requests waiting for an answer).
 */
import { z } from "zod";
import type { TContentOf, TInputFile, TMsgType, TSharedScope } from "@/lib/exec/protocol";

/** The longest request line the service takes (the relay and the kernel cap it too). */
export const MAX_REQUEST_BYTES = 4 << 20;

/** A request as the relay frames it. `content` keeps the op's own fields. */
export const ZServiceRequest = z.object({
  msg_type: z.literal("service_request"),
  parent: z.string(),
  content: z.looseObject({
    id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    op: z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/),
  }),
});
export type TServiceRequest = z.infer<typeof ZServiceRequest>["content"];

/** The cell that made a request: replies and announcements go under it. */
export type TRequestCell = { msgId: string; date: string; interact?: { id: string } };

/** What a handler knows of (and may do for) the session that asked. */
export type TRequester = {
  readonly id: string;
  readonly client: string;
  readonly kernel: string;
  /** The session's files (the snippet's), as it was given them. */
  readonly inputFiles: TInputFile[];
  /** A worker session of a scatter job (its cells are the service's): it may not start jobs. */
  readonly role: "user" | "worker";
  /** Whose shared values the session's `shared` uses (the site's, from its creation); null: none. */
  readonly shared: TSharedScope | null;
  /** Adds a message of the service's own to the session's event stream, under `parent`. */
  announce<T extends TMsgType>(parent: TRequestCell, msgType: T, content: TContentOf<T>): void;
  /** Calls `listener` once when the session ends (at once if it has). */
  onceEnded(listener: () => void): void;
  readonly ending_: boolean;
};

/** The answer to a request: its fields, or `error` with a code and a plain message for the cell. */
export type TRequestReply = Record<string, unknown>;

export type TRequestHandler = (from: TRequester, cell: TRequestCell, content: Record<string, unknown>) => Promise<TRequestReply> | TRequestReply;

/** Thrown by a handler for a refusal the cell should read (bad input, a limit): becomes `error`. */
export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "RequestError";
  }
}

/** The handlers by op. One per service, shared by its sessions. */
export class CellRequests {
  private readonly handlers = new Map<string, TRequestHandler>();

  constructor(private readonly log: (line: string) => void = () => {}) {}

  /** Handles `op` from now on (one handler per op). */
  register(op: string, handler: TRequestHandler): void {
    if (this.handlers.has(op)) throw new Error(`service request op ${op} is registered twice`);
    this.handlers.set(op, handler);
  }

  /** The ops handled. */
  ops(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /** The reply to one request (never throws: refusals and failures become `error`). */
  async handle(from: TRequester, cell: TRequestCell, request: TServiceRequest): Promise<TRequestReply> {
    const handler = this.handlers.get(request.op);
    if (!handler) {
      const known = this.ops();
      return errorReply("UNKNOWN_OP", `unknown service request "${request.op}" (this service answers: ${known.join(", ") || "none"})`);
    }
    const { id: _id, op: _op, ...content } = request;
    try {
      return await handler(from, cell, content);
    } catch (e) {
      if (e instanceof RequestError) return errorReply(e.code, e.message);
      this.log(`session ${from.id}: service request ${request.op} failed: ${(e as Error).stack ?? e}`);
      return errorReply("FAILED", `${request.op} failed in the service`);
    }
  }
}

export function errorReply(code: string, message: string): TRequestReply {
  return { error: { code, message } };
}

export type TRequestLimits = {
  /** Requests per second, sustained. */
  perSecond: number;
  /** Requests at once above the sustained rate. */
  burst: number;
  /** Requests waiting for their answer at once. */
  inFlight: number;
};

/** What one request's worth of answer is (larger answers cost more of the rate). */
const REPLY_BYTES_PER_REQUEST = 64 * 1024;

/** Requests a session may make: 200/s sustained, bursts of 400, 8 unanswered at once (sizes charged, see `charge`). */
export const DEFAULT_REQUEST_LIMITS: TRequestLimits = { perSecond: 200, burst: 400, inFlight: 8 };

/** One session's request budget: a token bucket and a count of unanswered requests. */
export class RequestLimiter {
  private tokens: number;
  private at = Date.now();
  private pending = 0;

  constructor(private readonly limits: TRequestLimits = DEFAULT_REQUEST_LIMITS) {
    this.tokens = limits.burst;
  }

  /** Null when the request may go ahead (then `finish` once answered), else why not. */
  tryStart(): string | null {
    const now = Date.now();
    this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.at) / 1000) * this.limits.perSecond);
    this.at = now;
    if (this.pending >= this.limits.inFlight) return `more than ${this.limits.inFlight} service requests are waiting for an answer`;
    if (this.tokens < 1) return `more than ${this.limits.perSecond} service requests per second`;
    this.tokens -= 1;
    this.pending += 1;
    return null;
  }

  finish(): void {
    this.pending = Math.max(0, this.pending - 1);
  }

  /** Charges a request's or an answer's size: every 64 KB costs one request, so at most 64 KB × `perSecond` a second go either way. */
  charge(bytes: number): void {
    this.tokens -= Math.floor(bytes / REPLY_BYTES_PER_REQUEST);
  }
}

/**
 * One session's side of the channel: a relay line that claims to be a request is checked
 * (shape, parent, size), counted against the session's budget, handed to the handlers, and
 * answered through `reply` (which the session writes only while the same cell runs).
 */
export class SessionRequestChannel {
  private readonly limiter: RequestLimiter;

  constructor(
    private readonly requests: CellRequests | undefined,
    limits: TRequestLimits = DEFAULT_REQUEST_LIMITS,
  ) {
    this.limiter = new RequestLimiter(limits);
  }

  take(from: TRequester, cell: TRequestCell, json: unknown, size: number, reply: (id: number, reply: TRequestReply) => number): void {
    const parsed = ZServiceRequest.safeParse(json);
    if (!parsed.success || parsed.data.parent !== cell.msgId || size > MAX_REQUEST_BYTES) return;
    const request = parsed.data.content;
    const denied = this.limiter.tryStart();
    // A request's size counts too (every 64 KB one request more): parsing them is the service's work.
    this.limiter.charge(size);
    if (denied) {
      reply(request.id, errorReply("TOO_MANY_REQUESTS", denied));
      return;
    }
    const answer = this.requests
      ? this.requests.handle(from, cell, request)
      : Promise.resolve(errorReply("UNKNOWN_OP", `unknown service request "${request.op}" (this service answers none)`));
    void answer.then((r) => {
      this.limiter.finish();
      this.limiter.charge(reply(request.id, r));
    });
  }
}
