import "server-only";
import { consume } from "@/lib/auth/rate-limit";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/db/generated/client";
import { isUniqueViolation } from "@/lib/snippets/internal";
import { firstIssue, type TActor } from "@/lib/snippets/schema";
import { MAX_CELL_CODE_BYTES } from "./permalink";
import { codeFits, MAX_CELL_INTERACTS_BYTES, ZCellLinkInput } from "./schema";
import { newShortId } from "./short-id";

export type TCellLink = { id: string; code: string; kernel: string; interacts: Record<string, Record<string, unknown>> | null; createdAt: Date };

/**
 * Stores the /cell page's code (and its interacts' values) under a new random id for a short
 * link `/cell?q=<id>`. Anyone may make one: a signed-in user is recorded as its creator and
 * spends their write budget; a visitor spends the same budget counted by address
 * (lib/auth/rate-limit.ts `write`; `write-all` when the address is unknown). Code over 64 KB is a
 * 413, a bad kernel or field a 422, and nothing is stored.
 */
export async function createCellLink(options: { actor: TActor | null; address: string | null; input: unknown }): Promise<TCellLink> {
  const parsed = ZCellLinkInput.safeParse(options.input);
  if (!parsed.success) throw new AppError("INVALID", firstIssue(parsed.error));
  const { code, kernel } = parsed.data;
  if (!codeFits(code)) throw new AppError("TOO_LARGE", `code: a cell may hold at most ${MAX_CELL_CODE_BYTES / 1024} KB of code.`);
  const interacts = parsed.data.interacts && Object.keys(parsed.data.interacts).length > 0 ? parsed.data.interacts : null;
  if (interacts && Buffer.byteLength(JSON.stringify(interacts)) > MAX_CELL_INTERACTS_BYTES) {
    throw new AppError("TOO_LARGE", `interacts: the saved values may take at most ${MAX_CELL_INTERACTS_BYTES / 1024} KB.`);
  }
  if (options.actor) await consume("write", options.actor.id);
  else if (options.address) await consume("write", `addr:${options.address}`);
  else await consume("write-all", "anonymous");

  // A clash of random ids is all but impossible; a few tries make it impossible in practice.
  for (let attempt = 0; ; attempt++) {
    try {
      const row = await getDb().cellLink.create({
        data: {
          id: newShortId(),
          code,
          kernel,
          interacts: (interacts ?? undefined) as Prisma.InputJsonValue | undefined,
          creatorId: options.actor?.id ?? null,
        },
        select: { id: true, code: true, kernel: true, interacts: true, createdAt: true },
      });
      return { ...row, interacts: (row.interacts as TCellLink["interacts"]) ?? null };
    } catch (e) {
      if (isUniqueViolation(e) && attempt < 4) continue;
      throw e;
    }
  }
}
