/**
 * Headers reverse proxies append to (X-Forwarded-For, X-Forwarded-Proto). No "server-only":
 * proxy.ts uses it too.
 */

/** The `n`-th entry from the right of a comma-separated header (the left-most when there are fewer). */
export function fromTheRight(value: string | null | undefined, n: number): string | undefined {
  const entries = value?.split(",").map((e) => e.trim());
  if (!entries?.length) return undefined;
  return entries[Math.max(0, entries.length - n)];
}
