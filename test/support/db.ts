/**
 * Helpers for integration tests. The database is shared by all tests of a run (see
 * global-setup.ts), so each test creates its own rows under names nobody else uses.
 */
import { randomBytes } from "node:crypto";
import { afterAll } from "vitest";
import { closeDb } from "@/lib/db/client";

/**
 * A name no other test (or earlier run) uses, valid as a Cellar username or slug:
 * `prefix` lower-cased, then "-" and 8 hex characters, at most 39 characters in all.
 */
export function uniqueName(prefix = "t"): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 30) || "t";
  return `${clean}-${randomBytes(4).toString("hex")}`;
}

/**
 * Closes the process's database connection after the file's tests. With PGlite this also
 * releases the directory, so the worker that runs the next test file can open it.
 */
export function closeDbAfterAll(): void {
  afterAll(async () => {
    await closeDb();
  });
}
