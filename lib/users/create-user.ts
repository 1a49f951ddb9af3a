import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { isUniqueViolation, parseField } from "./internal";
import { hashPassword } from "./password";
import { ZDisplayName, ZPassword, ZUsername } from "./schema";

/**
 * Creates an account with a password. The username is trimmed and lower-cased.
 * Throws AppError INVALID (`details.field` names the bad field) or CONFLICT when the name is taken.
 */
export async function createUser(options: { username: string; password: string; displayName?: string | undefined }): Promise<{ id: string; username: string }> {
  const username = parseField("username", ZUsername, options.username);
  const password = parseField("password", ZPassword, options.password);
  const displayName = options.displayName === undefined ? undefined : parseField("displayName", ZDisplayName, options.displayName);
  const db = getDb();
  const taken = () => new AppError("CONFLICT", `The username "${username}" is taken.`, { details: { field: "username" } });
  // Checked first so a taken name does not cost a password hash; the unique index still decides races.
  if (await db.user.findUnique({ where: { username }, select: { id: true } })) throw taken();
  const passwordHash = await hashPassword(password);
  try {
    return await db.user.create({
      data: { username, passwordHash, displayName: displayName || null },
      select: { id: true, username: true },
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw taken();
    throw e;
  }
}
