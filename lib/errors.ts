/**
 * One error type for the whole app. `code` is stable and maps to an HTTP status;
 * `message` is safe to show to users; `cause` stays in the logs.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  INVALID: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type TErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: TErrorCode;
  /** Extra JSON-safe details for clients, e.g. `{ head }` on a stale edit. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: TErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options?.details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** The user-facing form of any error: AppErrors as they are, anything else as a bare 500. */
export function toPublicError(e: unknown): { status: number; code: TErrorCode; message: string; details?: Record<string, unknown> } {
  if (isAppError(e)) {
    return { status: e.status, code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
  }
  console.error("Unexpected error", e);
  return { status: 500, code: "INTERNAL", message: "Something went wrong on our side. Please try again." };
}
