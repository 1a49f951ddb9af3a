/**
 * The file Run executes, and the one shown first: the owner's choice when it still exists,
 * else the only file, else `main.py`, else `main.sage`, else the only Python or Sage file; null
 * when it is ambiguous.
 */
export function mainFileOf(paths: readonly string[], chosen: string | null | undefined): string | null {
  if (chosen && paths.includes(chosen)) return chosen;
  if (paths.length === 1) return paths[0] ?? null;
  if (paths.includes("main.py")) return "main.py";
  if (paths.includes("main.sage")) return "main.sage";
  const python = paths.filter((p) => p.endsWith(".py") || p.endsWith(".sage"));
  return python.length === 1 ? (python[0] ?? null) : null;
}

/** Files in reading order: the main file first, then the rest as git lists them. */
export function inReadingOrder<T extends { path: string }>(files: readonly T[], main: string | null): T[] {
  if (!main) return [...files];
  return [...files.filter((f) => f.path === main), ...files.filter((f) => f.path !== main)];
}
