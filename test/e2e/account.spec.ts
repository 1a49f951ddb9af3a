/**
 * Accounts in the browser: signing out and in by typing, wrong passwords and the sign-in rate
 * limit, API tokens made on /settings/tokens and used as Bearer tokens, deleting a snippet
 * after confirming.
 */
import { randomBytes } from "node:crypto";
import { createSnippet, expect, newCredentials, signedInContext, signUp, test } from "./fixtures";

test("sign out, then sign in by typing; a wrong password is refused", async ({ page, user }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Sign out" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();

  await page.getByRole("banner").getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "don't match an account" })).toBeVisible();

  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: user.username })).toBeVisible();
});

test("a stranger's wrong passwords hold an account back for seconds, not minutes: then the right one works", async ({ playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  const victim = newCredentials("limit");
  await signUp(api, victim);
  // One token for every attempt, fetched once: nothing but the attempts themselves between them.
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const attempt = async (password: string) => {
    const res = await api.post("/api/auth/callback/credentials", {
      form: { csrfToken, username: victim.username, password, json: "true" },
      // A different address each time: the per-account back-off must hold regardless.
      headers: { "x-forwarded-for": `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}` },
      maxRedirects: 0,
    });
    const body = (await res.json().catch(() => ({}))) as { url?: string };
    return decodeURIComponent(body.url ?? res.headers()["location"] ?? "");
  };
  // Three free mistakes, then a fourth: the account now waits a second before the next try.
  for (let i = 0; i < 4; i++) expect(await attempt(`wrong-${i}`)).toContain("error=CredentialsSignin");
  const refused = await attempt(victim.password);
  expect(refused).toContain("Too many failed sign-ins. Try again in 1 second.");
  await new Promise((r) => setTimeout(r, 1100));
  const session = await api.post("/api/auth/callback/credentials", { form: { csrfToken, username: victim.username, password: victim.password, json: "true" } });
  expect(session.ok()).toBe(true);
  const me = (await (await api.get("/api/auth/session")).json()) as { user?: { name?: string } };
  expect(me.user?.name).toBe(victim.username);
  await api.dispose();
});

test("a token made on the settings page works as a Bearer token, and stops working once revoked", async ({ page, user, playwright, baseURL }) => {
  await page.goto("/settings/tokens");
  await page.getByLabel("Token name").fill("laptop script");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^cellar_/);
  await expect(page.getByRole("cell", { name: "laptop script", exact: true })).toBeVisible();

  // A client with no cookies: only the token says who it is.
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const created = await api.post("/api/v1/snippets", { data: { title: "Made by a script", files: [{ path: "main.py", content: "print(42)\n" }] } });
  expect(created.status(), await created.text()).toBe(201);
  expect(((await created.json()) as { owner: string }).owner).toBe(user.username);

  await page.reload();
  await page.getByRole("button", { name: "Revoke laptop script" }).click();
  await expect(page.getByRole("cell", { name: "laptop script", exact: true })).toHaveCount(0);
  const refused = await api.post("/api/v1/snippets", { data: { title: "Again", files: [{ path: "a.py", content: "1\n" }] } });
  expect(refused.status()).toBe(401);
  await api.dispose();
});

test("the owner deletes a snippet after confirming; it is gone, a fork of it stays", async ({ page, user, browser, baseURL }) => {
  const { path: url, slug } = await createSnippet(page.request, { title: "Short lived", files: [{ path: "main.py", content: "print('bye')\n" }] });

  const forker = await signedInContext(browser, baseURL, "keep");
  const fork = await forker.page.request.post(`/api/v1/snippets${url}/forks`, { data: {} });
  expect(fork.status(), await fork.text()).toBe(201);

  await page.goto(`${url}/edit`);
  await page.getByRole("link", { name: "Delete…" }).click();
  await expect(page.getByRole("heading", { name: /Delete “Short lived”\?/ })).toBeVisible();
  await page.getByRole("button", { name: "Yes, delete this snippet" }).click();
  await expect(page).toHaveURL(new RegExp(`/${user.username}\\?deleted=`));

  expect((await page.request.get(url)).status()).toBe(404);
  await forker.page.goto(`/${forker.username}/${slug}`);
  await expect(forker.page.locator(".credits")).toContainText(`${user.username}/${slug} (deleted)`);
  await forker.context.close();
});

// `user: _signedIn`: the fixture signs the page's browser in; the test needs nothing else of it.
test("a refused snippet says why and keeps what was typed", async ({ page, user: _signedIn }) => {
  await page.goto("/new");
  await page.getByLabel("Title", { exact: true }).fill("Escape attempt");
  await page.getByLabel("File name").fill("../evil.py");
  const editor = page.locator(".snippet-editor fieldset").first().locator(".cm-content");
  await editor.click();
  await page.keyboard.type("print('kept')");
  await page.getByRole("button", { name: "Publish snippet" }).click();

  await expect(page.getByRole("alert").filter({ hasText: "evil.py" })).toBeVisible();
  await expect(page).toHaveURL(/\/new$/);
  await expect(page.getByLabel("Title", { exact: true })).toHaveValue("Escape attempt");
  await expect(page.getByLabel("File name")).toHaveValue("../evil.py");
  await expect(page.locator(".snippet-editor .cm-content").first()).toContainText("print('kept')");
});
