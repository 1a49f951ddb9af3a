/* Shared by the lib/repos tests: temp directories and the real git CLI as the judge. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Author } from "./commit";
import type { SnippetFile } from "./validate";

export const author: Author = { name: "Ada Lovelace", email: "ada@example.test", timestamp: 1_700_000_000 };

const encoder = new TextEncoder();

/** Files from `{ path: text }`. */
export function files(spec: Record<string, string | Uint8Array>): SnippetFile[] {
  return Object.entries(spec).map(([path, c]) => ({ path, content: typeof c === "string" ? encoder.encode(c) : c }));
}

export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** A fresh temp directory removed by the returned cleanup. */
export function makeTempDir(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), "cellar-repos-"));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Run git against a bare repository and return stdout (throws with stderr on failure). */
export function gitCli(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Raw bytes of `git show <spec>` (for binary files). */
export function gitShowBytes(dir: string, spec: string): Buffer {
  return execFileSync("git", ["-C", dir, "show", spec], { stdio: ["ignore", "pipe", "pipe"] });
}

/** Throws (failing the test) unless `git fsck --strict` is clean. */
export function fsckStrict(dir: string): void {
  execFileSync("git", ["-C", dir, "fsck", "--strict", "--no-progress"], { stdio: ["ignore", "pipe", "pipe"] });
}
