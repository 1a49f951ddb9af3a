import { z } from "zod";

/**
 * MEILI_URL (and MEILI_KEY, its API key) choose the Meilisearch engine. Parsed once; a bad URL
 * stops with a message naming the variable rather than failing at the first search.
 */
const ZMeiliEnv = z.object({
  MEILI_URL: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined))
    .pipe(z.url({ protocol: /^https?$/, error: "MEILI_URL must be an http:// or https:// URL, e.g. http://127.0.0.1:7700" }).optional()),
  MEILI_KEY: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined)),
  MEILI_INDEX: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : "snippets"))
    .pipe(z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "MEILI_INDEX may use letters, digits, '-' and '_'")),
});

export type TMeiliSettings = { url: string; key: string | undefined; index: string };

let cached: { value: TMeiliSettings | null } | undefined;

export function getMeiliSettings(): TMeiliSettings | null {
  if (cached) return cached.value;
  const parsed = ZMeiliEnv.safeParse(process.env);
  if (!parsed.success) throw new Error(`Cellar: ${parsed.error.issues[0]?.message ?? "bad Meilisearch setting"}`);
  const { MEILI_URL, MEILI_KEY, MEILI_INDEX } = parsed.data;
  cached = { value: MEILI_URL ? { url: MEILI_URL, key: MEILI_KEY, index: MEILI_INDEX } : null };
  return cached.value;
}
