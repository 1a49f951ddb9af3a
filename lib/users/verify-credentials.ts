import "server-only";
import { getDb } from "@/lib/db/client";
import { burnPasswordCheck, verifyPassword } from "./password";

/**
 * The user whose username and password these are, or null. Unknown users, OAuth-only
 * accounts and wrong passwords all take about the same time and give the same answer, so the
 * response does not reveal which usernames exist.
 */
export async function verifyCredentials(options: { username: string; password: string }): Promise<{ id: string; username: string } | null> {
  const username = options.username.trim().toLowerCase();
  const user =
    username.length > 0 && username.length <= 200
      ? await getDb().user.findUnique({ where: { username }, select: { id: true, username: true, passwordHash: true } })
      : null;
  if (!user?.passwordHash || options.password.length > 1000) {
    await burnPasswordCheck(options.password.slice(0, 1000));
    return null;
  }
  return (await verifyPassword(options.password, user.passwordHash)) ? { id: user.id, username: user.username } : null;
}
