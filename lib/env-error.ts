import { z } from "zod";

/** Shared by lib/env.ts (the site) and lib/exec/config.ts (the execution service's own settings). */

/** Empty strings count as "not set": `FOO= npm start` should mean the default, not an error. */
export const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** Thrown when the environment is unusable; `problems` has one plain sentence each. */
export class EnvError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.name = "EnvError";
    this.problems = problems;
  }
}

/** One plain sentence per zod issue, naming the variable. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "environment");
    // Our messages already name the variable; zod's built-in ones don't.
    return issue.message.startsWith(key) ? issue.message : `${key}: ${issue.message}`;
  });
}

/** Whether `v` is an http:// or https:// URL. */
export function isHttpOrigin(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * A whole-number setting between `min` and `max`, `fallback` when unset; otherwise a sentence
 * naming the variable: "`name` must be a whole number[ of `unit`] between min and max (got "x")".
 */
export function wholeNumber(name: string, fallback: number, min: number, max: number, unit?: string) {
  return optionalText.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return fallback;
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < min || n > max) {
          ctx.addIssue({ code: "custom", message: `${name} must be a whole number${unit ? ` of ${unit}` : ""} between ${min} and ${max} (got "${v}")` });
          return z.NEVER;
        }
        return n;
      }),
  );
}
