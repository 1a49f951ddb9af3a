import "server-only";
import { AppError } from "@/lib/errors";
import { ExecError, type TExecClient } from "@/lib/exec/client";
import { ZSessionId } from "@/lib/exec/protocol";
import { missingKernelMessage } from "@/lib/snippets/kernel";
import { refundBudget, type TRunner } from "./run-client-key";

/*
 * lib/runs takes the execution service's client as a parameter (the site passes lib/exec's
 * `execClient()`), so a later site with several execution hosts can pick one per session.
 */
export type { TExecClient };

/** A 404 for a session id that is malformed, unknown, or whose session has ended. */
export function sessionNotFound(): AppError {
  return new AppError("NOT_FOUND", "This run has ended or does not exist. Press Run to start again.");
}

/** Throws the 404 unless `session` looks like one of the service's (random) ids. */
export function checkSessionId(session: string): void {
  if (!ZSessionId.safeParse(session).success) throw sessionNotFound();
}

/**
 * Turns the service's refusals into the app's errors: busy runners a 503 that keeps the
 * service's Retry-After, a client over its share of sessions a 429, a session with 64 cells or
 * updates waiting a 429 saying so, an unknown session a 404, an ended one a 409, a kernel the
 * service lacks a 422 naming the kernels it has (`details.kernels`), and a service that does not
 * answer a 503 saying Run is unavailable. Other errors pass through. `kernel`: the one asked for.
 */
export function fromExecError(e: unknown, asked?: { kernel: string }): unknown {
  if (!(e instanceof ExecError)) return e;
  if (e.code === "UNKNOWN_KERNEL") {
    const kernels = [...(e.kernels ?? [])];
    return new AppError("INVALID", missingKernelMessage(asked?.kernel ?? "that", kernels), { cause: e, details: { kernels } });
  }
  if (e.status === undefined) {
    return new AppError("UNAVAILABLE", "Run is unavailable right now: the execution service is not answering. Try again in a minute.", {
      cause: e,
      details: { retryAfter: 60 },
    });
  }
  if (e.status === 503) return retryLater(e, "UNAVAILABLE", 5, (seconds) => `All runners are busy. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`);
  if (e.status === 429 && e.code === "QUEUE_FULL") {
    return retryLater(e, "RATE_LIMITED", 1, () => "Too many cells or interact updates are waiting in this run. Wait for them to finish, then try again.");
  }
  if (e.status === 429) {
    return retryLater(
      e,
      "RATE_LIMITED",
      10,
      () => "You already have as many runs going as one visitor may. Stop one (or close its page), or wait until one ends.",
    );
  }
  if (e.status === 404) return sessionNotFound();
  if (e.status === 409)
    return new AppError("CONFLICT", "This run has ended (it sat idle, hit a limit, or was closed). Press Run again to start a fresh one.", { cause: e });
  if (e.status === 413) return new AppError("TOO_LARGE", e.message, { cause: e });
  if (e.status === 400 || e.status === 422) return new AppError("INVALID", e.message, { cause: e });
  return e;
}

/**
 * `fromExecError` for a session's creation, which spent a point of the Run budget first: a kernel
 * the service lacks gives the point back (nothing ran), then becomes the 422 naming the kernels.
 */
export async function fromCreationError(e: unknown, runner: TRunner, kernel: string): Promise<unknown> {
  if (e instanceof ExecError && e.code === "UNKNOWN_KERNEL") await refundBudget(runner);
  return fromExecError(e, { kernel });
}

/** A refusal worth retrying: the service's Retry-After (else `fallback`), in whole seconds, at least 1. */
function retryLater(e: ExecError, code: "UNAVAILABLE" | "RATE_LIMITED", fallback: number, message: (seconds: number) => string): AppError {
  const seconds = Math.max(1, Math.ceil(e.retryAfter ?? fallback));
  return new AppError(code, message(seconds), { cause: e, details: { retryAfter: seconds } });
}
