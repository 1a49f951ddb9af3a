/**
 * The error an operation is expected to fail with. Integration tests check what a user would be
 * told (the AppError's code, status and message), so anything else is a test failure.
 */
import { isAppError, type AppError } from "@/lib/errors";

/**
 * The AppError `promise` rejects with. Fails the test when it resolves (with an error saying the
 * operation succeeded) or rejects with anything else (rethrown as it is, stack and all).
 */
export async function appError(promise: Promise<unknown>): Promise<AppError> {
  const e: unknown = await promise.then(
    () => new Error("expected the operation to fail with an AppError, but it succeeded"),
    (err: unknown) => err,
  );
  if (!isAppError(e)) throw e;
  return e;
}
