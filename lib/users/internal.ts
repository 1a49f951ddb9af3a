import "server-only";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/db/generated/client";

/**
 * Parses `value` with `schema`, or throws AppError INVALID naming the field and the reason
 * (`details: { field, reason }`).
 */
export function parseField<T extends z.ZodType>(field: string, schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const reason = result.error.issues[0]?.message ?? `${field} is invalid.`;
  throw new AppError("INVALID", reason, { details: { field, reason } });
}

/** Whether `e` is Prisma's unique-constraint violation (P2002). */
export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}
