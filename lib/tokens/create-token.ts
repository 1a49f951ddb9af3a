import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { TActor } from "@/lib/snippets/schema";
import { hashToken, TOKEN_PREFIX } from "./internal";

export const ZTokenName = z
  .string({ error: "Token name is required." })
  .trim()
  .min(1, "Token name is required.")
  .max(100, "Token name must be at most 100 characters.");

/** Enough of the token to recognise it in a list ("cellar_AbC123…"), too little to use it. */
const SHOWN_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;

/**
 * Creates an API token for the signed-in `actor`. The returned `token` is the only time the
 * secret is available: only its SHA-256 is stored.
 */
export async function createToken(options: {
  actor: TActor | null;
  name: string;
}): Promise<{ id: string; name: string; token: string; prefix: string; createdAt: Date }> {
  if (!options.actor) throw new AppError("UNAUTHORIZED", "Sign in to create API tokens.");
  const parsed = ZTokenName.safeParse(options.name);
  if (!parsed.success) {
    const reason = parsed.error.issues[0]?.message ?? "Token name is invalid.";
    throw new AppError("INVALID", reason, { details: { field: "name", reason } });
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const prefix = token.slice(0, SHOWN_PREFIX_LENGTH);
  const row = await getDb().apiToken.create({
    data: { userId: options.actor.id, name: parsed.data, tokenHash: hashToken(token), prefix },
    select: { id: true, name: true, prefix: true, createdAt: true },
  });
  return { ...row, token };
}
