import "server-only";
import { createHash } from "node:crypto";

export const TOKEN_PREFIX = "cellar_";

/** Tokens are stored only as this digest; the secret is shown once. A plain SHA-256 suffices: 256 random bits cannot be guessed. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
