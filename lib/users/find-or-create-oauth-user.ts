import "server-only";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "./internal";
import { RESERVED_USERNAMES, USERNAME_MAX, USERNAME_PATTERN } from "./schema";

/** Turns a provider's login ("Ada.Lovelace_") into a valid Cellar username base ("ada-lovelace"). */
function usernameBase(preferred: string): string {
  const base = preferred
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, USERNAME_MAX)
    .replace(/-+$/, "");
  return base && USERNAME_PATTERN.test(base) && !RESERVED_USERNAMES.has(base) ? base : "user";
}

/** `base`, then `base-2`, `base-3`… each cut to fit the length limit. */
function candidate(base: string, n: number): string {
  if (n === 1) return base;
  const suffix = `-${n}`;
  return `${base.slice(0, USERNAME_MAX - suffix.length).replace(/-+$/, "")}${suffix}`;
}

/**
 * The user linked to this OAuth identity, creating one on first sign-in. The new username is
 * derived from `preferredUsername`, suffixed -2, -3… when taken. Accounts are never linked by
 * e-mail address: providers do not all verify addresses, so that would allow account takeover.
 * The e-mail is stored only if no other account has it.
 */
export async function findOrCreateOAuthUser(options: {
  provider: string;
  providerAccountId: string;
  preferredUsername: string;
  email?: string | undefined;
  name?: string | undefined;
}): Promise<{ id: string; username: string }> {
  const db = getDb();
  const key = { provider: options.provider, providerAccountId: options.providerAccountId };
  const find = () =>
    db.account.findUnique({
      where: { provider_providerAccountId: key },
      select: { user: { select: { id: true, username: true } } },
    });
  const existing = await find();
  if (existing) return existing.user;

  const base = usernameBase(options.preferredUsername);
  const email = options.email?.trim().toLowerCase() || null;
  let emailFree = email !== null && !(await db.user.findUnique({ where: { email }, select: { id: true } }));
  const displayName = options.name?.trim().slice(0, 100) || null;

  for (let n = 1; n < 1000; n++) {
    const username = candidate(base, n);
    if (await db.user.findUnique({ where: { username }, select: { id: true } })) continue;
    try {
      return await db.user.create({
        data: { username, displayName, email: emailFree ? email : null, accounts: { create: key } },
        select: { id: true, username: true },
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // Lost a race: either for this username (try the next) or for this very identity
      // (a double-clicked sign-in), in which case the other request's user is ours.
      const raced = await find();
      if (raced) return raced.user;
      if (emailFree && email && (await db.user.findUnique({ where: { email }, select: { id: true } }))) {
        // Someone took the e-mail address meanwhile: retry this name without it.
        emailFree = false;
        n--;
      }
    }
  }
  throw new Error(`No free username found for "${base}"`);
}
