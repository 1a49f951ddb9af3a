import "server-only";
import { notFound } from "next/navigation";
import { isAppError } from "@/lib/errors";

/** Runs a loader; a NOT_FOUND AppError becomes Next's 404 page, anything else propagates. */
export async function orNotFound<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isAppError(e) && e.code === "NOT_FOUND") notFound();
    throw e;
  }
}
