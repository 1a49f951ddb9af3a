/** What a session's callers are refused with (server.ts maps them to HTTP answers). */

/** Cells and updates waiting in one session: a page sends one at a time, so more is a runaway client. */
export const MAX_QUEUED_CELLS = 64;

/** Thrown by `execute` when the session already has `MAX_QUEUED_CELLS` waiting. */
export class SessionQueueFullError extends Error {
  constructor(id: string) {
    super(`session ${id} has ${MAX_QUEUED_CELLS} cells waiting`);
    this.name = "SessionQueueFullError";
  }
}

/** Thrown by `execute` on a session that has ended. */
export class SessionEndedError extends Error {
  constructor(id: string) {
    super(`session ${id} has ended`);
    this.name = "SessionEndedError";
  }
}
