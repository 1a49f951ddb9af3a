import type { ZodType } from "zod";
import { AppError } from "@/lib/errors";

/**
 * Parses the URL's query string with a zod schema; a bad parameter is a 422 naming it.
 * Repeated parameters keep their first value.
 */
export function parseQuery<T>(request: Request, schema: ZodType<T>): T {
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in raw)) raw[key] = value;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new AppError("INVALID", `${where}${issue?.message ?? "invalid query"}`);
  }
  return parsed.data;
}
