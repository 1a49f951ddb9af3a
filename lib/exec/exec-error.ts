/** The one error type of the execution clients (HTTP and NATS). */
/**
 * A refusal or failure of the service. `status` is the service's HTTP status (absent when it
 * could not be reached: then `code` is "UNAVAILABLE" and `cause` the network error), `retryAfter`
 * its Retry-After in seconds, `kernels` the kernels it has (with code "UNKNOWN_KERNEL").
 */
export class ExecError extends Error {
  readonly kernels: readonly string[] | undefined;
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
    readonly retryAfter?: number,
    options?: { cause?: unknown; kernels?: readonly string[] | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ExecError";
    this.kernels = options?.kernels;
  }
}
