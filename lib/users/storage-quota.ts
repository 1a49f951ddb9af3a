import "server-only";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { formatBytes } from "@/lib/render/format";

/*
 * The per-user storage quota (USER_STORAGE_BYTES). A user is charged the uncompressed bytes of
 * the file contents each of their writes adds to the git store (lib/repos/usage.ts: a revision
 * pays for contents its parent lacked, a fork for everything its source was charged, since it
 * keeps those objects when the source goes), kept in User.storageBytes and in each
 * Snippet.storageBytes so a deletion gives its share back. Counting what writes add, rather than
 * measuring the disk, keeps a write's check to one conditional UPDATE; it over-counts a little
 * (git compresses, forks share objects through hard links) and never under-counts new content.
 */

type TDb = Pick<Prisma.TransactionClient, "user">;

/** The 413 for a write of `needed` bytes by a user already at `used`. */
function quotaExceeded(used: number, needed: number, quota: number): AppError {
  return new AppError(
    "TOO_LARGE",
    `Your snippets use ${formatBytes(used)} of your ${formatBytes(quota)}; this change needs ${formatBytes(needed)} more. Delete snippets you no longer need, or make the change smaller.`,
    { details: { usedBytes: used, quotaBytes: quota, neededBytes: needed } },
  );
}

async function usedBytes(db: TDb, userId: string): Promise<number> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { storageBytes: true } });
  return user?.storageBytes ?? 0;
}

/**
 * Refuses (413) a write of `bytes` that would take the user past the quota, without charging
 * anything: the early check before repository work, so a refused write touches nothing.
 */
export async function checkStorage(options: { userId: string; bytes: number }): Promise<void> {
  if (options.bytes <= 0) return;
  const quota = getEnv().userStorageBytes;
  const used = await usedBytes(getDb(), options.userId);
  if (used + options.bytes > quota) throw quotaExceeded(used, options.bytes, quota);
}

/**
 * Charges `bytes` to the user, or throws the 413 when they do not fit. One conditional UPDATE, so
 * concurrent writes of one user cannot both squeeze under the quota. Pass the transaction that
 * records the write, so the charge stands or falls with it.
 */
export async function chargeStorage(db: TDb, options: { userId: string; bytes: number }): Promise<void> {
  if (options.bytes <= 0) return;
  const quota = getEnv().userStorageBytes;
  const { count } = await db.user.updateMany({
    where: { id: options.userId, storageBytes: { lte: quota - options.bytes } },
    data: { storageBytes: { increment: options.bytes } },
  });
  if (count > 0) return;
  const user = await db.user.findUnique({ where: { id: options.userId }, select: { storageBytes: true } });
  // An account deleted while its session lived: nothing to charge, and the write's own foreign
  // key to the user refuses it (never a quota message about 0 bytes).
  if (!user) return;
  throw quotaExceeded(user.storageBytes, options.bytes, quota);
}

/** Gives `bytes` back to the user (a deleted snippet, a charged write that did not happen). */
export async function refundStorage(db: TDb, options: { userId: string; bytes: number }): Promise<void> {
  if (options.bytes <= 0) return;
  await db.user.updateMany({ where: { id: options.userId }, data: { storageBytes: { decrement: options.bytes } } });
}
