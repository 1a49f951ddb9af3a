/**
 * Playwright fixtures for Cellar. `user` signs a fresh, unique account up and logs it in
 * through the API (not by typing), so its session cookie is already in the page's browser
 * context when the test starts. Only the test of the login form itself should type.
 */
import { randomBytes } from "node:crypto";
import { test as base, expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";

export type TE2EUser = { username: string; password: string };

/**
 * Sign-up and sign-in are rate-limited per client address, and every test comes from
 * 127.0.0.1. The site takes the address from X-Forwarded-For (as behind a local proxy), so
 * each test presents its own, from the RFC 2544 benchmarking range; nothing is sent there.
 */
function clientAddressHeader(): Record<string, string> {
  const [a = 0, b = 0, c = 0] = randomBytes(3);
  return { "x-forwarded-for": `198.${18 + (a % 2)}.${b}.${c}` };
}

/** A username no other test, worker or run uses: lowercase letters and digits. */
export function uniqueUsername(prefix = "e2e"): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
}

/** Credentials for an account no other test uses (sign it up with `signUp`). */
export function newCredentials(prefix = "e2e"): TE2EUser {
  return { username: uniqueUsername(prefix), password: `pw-${randomBytes(9).toString("hex")}` };
}

/** Creates an account through the public sign-up endpoint. */
export async function signUp(request: APIRequestContext, user: TE2EUser): Promise<void> {
  const response = await request.post("/api/v1/users", {
    data: user,
    headers: clientAddressHeader(),
  });
  expect(response.status(), `sign-up of ${user.username}: ${await response.text()}`).toBe(201);
}

/**
 * Signs in with next-auth's credentials provider. `request` must be `page.request` (or the
 * context's), whose cookie jar is the browser context's: that is how the page gets the session.
 */
export async function signIn(request: APIRequestContext, user: TE2EUser): Promise<void> {
  const csrf = await request.get("/api/auth/csrf");
  expect(csrf.ok(), "GET /api/auth/csrf").toBe(true);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, username: user.username, password: user.password, json: "true" },
    headers: clientAddressHeader(),
  });
  // next-auth answers a failed credentials login with a redirect too; the session tells.
  const session = await request.get("/api/auth/session");
  const body = (await session.json()) as { user?: { name?: string | null } };
  expect(body.user, `session after signing in as ${user.username}`).toBeTruthy();
}

/**
 * A second person for a test: a fresh account, signed up and in, in a browser context of its
 * own (its own cookies, so it is not the `user` fixture's session). The caller closes `context`.
 */
export async function signedInContext(
  browser: Browser,
  baseURL: string | undefined,
  prefix: string,
): Promise<{ context: BrowserContext; page: Page; username: string }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const user = newCredentials(prefix);
  await signUp(page.request, user);
  await signIn(page.request, user);
  return { context, page, username: user.username };
}

/** The body of `POST /api/v1/snippets` (docs/api.md): a title, files, and any other field it takes. */
export type TNewSnippet = { title: string; files: { path: string; content: string }[] } & Record<string, unknown>;

/**
 * Publishes a snippet through the API as whoever `request` is signed in as. Returns its page's
 * path (`/owner/slug`), its slug and its first revision.
 */
export async function createSnippet(request: APIRequestContext, data: TNewSnippet): Promise<{ path: string; slug: string; head: string }> {
  const created = await request.post("/api/v1/snippets", { data });
  expect(created.status(), await created.text()).toBe(201);
  const body = (await created.json()) as { url: string; slug: string; head: string };
  return { path: new URL(body.url).pathname, slug: body.slug, head: body.head };
}

export const test = base.extend<{ user: TE2EUser }>({
  /**
   * Every test's page fails the test if it throws: an uncaught error in the page's scripts, or
   * a hydration mismatch (React's error #418: the server's HTML is not what the page renders,
   * e.g. a list inside a <p>, which the browser's parser closes early). Pages a test opens
   * itself are not watched.
   */
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(`${error.message} (on ${page.url()})`));
    await use(page);
    expect(errors, "uncaught errors in the page").toEqual([]);
  },
  user: async ({ page }, use) => {
    const user = newCredentials();
    await signUp(page.request, user);
    await signIn(page.request, user);
    await use(user);
  },
});

export { expect };
