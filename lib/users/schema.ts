import { z } from "zod";

/**
 * Names that are top-level routes (or likely to become ones): a user called "settings" would
 * own the URL /settings.
 */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "new",
  "settings",
  "api",
  "tags",
  "search",
  "login",
  "signin",
  "signup",
  "logout",
  "about",
  "docs",
  "admin",
  "static",
  "_next",
  "favicon.ico",
  "robots.txt",
  "explore",
  "users",
  "snippets",
  "embed",
]);

export const USERNAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
export const USERNAME_MAX = 39;

/** A username as typed: trimmed and lower-cased, then checked. It becomes the URL segment `/<username>`. */
export const ZUsername = z
  .string({ error: "Username is required." })
  .trim()
  .toLowerCase()
  .min(1, "Username is required.")
  .max(USERNAME_MAX, `Username must be at most ${USERNAME_MAX} characters.`)
  .regex(USERNAME_PATTERN, "Username may only use letters, digits and single dashes between them (like ada-lovelace).")
  .refine((name) => !RESERVED_USERNAMES.has(name), { message: "That username is reserved; please choose another." });

export const ZPassword = z
  .string({ error: "Password is required." })
  .min(8, "Password must be at least 8 characters.")
  .max(200, "Password must be at most 200 characters.");

export const ZDisplayName = z.string().trim().max(100, "Display name must be at most 100 characters.");

export type TUsername = z.infer<typeof ZUsername>;
