import { z } from "zod";
import "@/lib/zod-no-eval";

/** Who is acting: a signed-in user, or nobody. */
export type TActor = { id: string; username: string };

export const VISIBILITIES = ["public", "unlisted"] as const;
export const ZVisibility = z.enum(VISIBILITIES);
export type TVisibility = z.infer<typeof ZVisibility>;

export const MAX_TAGS = 10;

export const ZTitle = z.string({ error: "Title is required." }).trim().min(1, "Title is required.").max(200, "Title must be at most 200 characters.");

export const ZDescription = z.string().max(20_000, "Description must be at most 20,000 characters.");

/**
 * A tag is a lower-case path such as `calculus/derivatives`. Free text is normalised
 * (spaces become dashes) before it is checked, so "Linear Algebra" becomes `linear-algebra`.
 */
export const ZTag = z
  .string()
  .transform((t) =>
    t
      .trim()
      .toLowerCase()
      .replace(/\s*\/\s*/g, "/")
      .replace(/\s+/g, "-"),
  )
  .pipe(
    z
      .string()
      .min(1, "A tag cannot be empty.")
      .max(64, "A tag must be at most 64 characters.")
      .regex(
        /^[a-z0-9][a-z0-9+#.-]*(\/[a-z0-9][a-z0-9+#.-]*)*$/,
        "A tag may use letters, digits, '-', '+', '#', '.' and '/' between parts (like calculus/derivatives).",
      ),
  );

export const ZTags = z
  .array(ZTag)
  .max(MAX_TAGS, `A snippet can have at most ${MAX_TAGS} tags.`)
  .transform((tags) => [...new Set(tags)]);

export const ZSlug = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "The name is required.")
  .max(80, "The name must be at most 80 characters.")
  .regex(/^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/, "The name may use letters, digits, '-', '_' and '.', and must start and end with a letter or digit.");

/** A file as callers hand it in: text as a string, binary as bytes. */
export type TFileInput = { path: string; content: string | Uint8Array };

/** Turns a title into a URL name: "Newton's method (2)" → "newtons-method-2". */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
  return slug || "snippet";
}

/** The message of the first zod issue, naming its field. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid input.";
  return issue.message;
}
