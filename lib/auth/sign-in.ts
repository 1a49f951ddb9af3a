import "server-only";
import { verifyCredentials } from "@/lib/users/verify-credentials";
import { beginSignInAttempt, signInFailed, signInNotChecked, signInSucceeded } from "./signin-backoff";

/**
 * Signs in with a username and password: the user, or null for a wrong pair. Throws a 429 while
 * the account or the address is in a sign-in back-off (signin-backoff.ts), and a 503 when the
 * server is already checking as many passwords as it takes at once (lib/users/password.ts).
 */
export async function signInWithPassword(options: {
  username: string;
  password: string;
  address: string | null;
}): Promise<{ id: string; username: string } | null> {
  const keys = { username: options.username.trim().toLowerCase(), address: options.address };
  beginSignInAttempt(keys);
  let user: { id: string; username: string } | null;
  try {
    user = await verifyCredentials({ username: keys.username, password: options.password });
  } catch (e) {
    signInNotChecked(keys); // a 503 (too many passwords being checked) is not a failed sign-in
    throw e;
  }
  if (user) signInSucceeded(keys);
  else signInFailed(keys);
  return user;
}
