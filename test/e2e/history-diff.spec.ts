/**
 * A revision that rewrites a whole file is too large to diff on the history page (the work is
 * capped so the server's event loop never stalls): the page says so and links to both
 * versions, which download the file as it was and as it is. And the Fork button (which now keeps
 * a refusal's message in the page) still forks.
 */
import { createSnippet, expect, signedInContext, test } from "./fixtures";

const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join("\n") + "\n";

test("a rewrite too large to diff shows a note with both versions to download", async ({ page, user: _signedIn }) => {
  const before = lines(300, (i) => `alpha = ${i}`);
  const after = lines(300, (i) => `omega = ${i}`);
  const created = await createSnippet(page.request, { title: "Rewritten", files: [{ path: "data.py", content: before }] });
  const edit = await page.request.patch(`/api/v1/snippets${created.path}`, { data: { base: created.head, files: [{ path: "data.py", content: after }] } });
  expect(edit.status(), await edit.text()).toBe(200);

  await page.goto(`${created.path}/history`);
  const note = page.locator(".diff-file", { hasText: "data.py" }).first().getByText("This diff is too large to show; download the versions:");
  await expect(note).toBeVisible();
  const beforeHref = await note.getByRole("link", { name: "before" }).getAttribute("href");
  const afterHref = await note.getByRole("link", { name: "after" }).getAttribute("href");
  expect(await (await page.request.get(beforeHref!)).text()).toBe(before);
  expect(await (await page.request.get(afterHref!)).text()).toBe(after);
});

test("the Fork button makes a copy and opens it", async ({ page, browser, baseURL, user: _signedIn }) => {
  const created = await createSnippet(page.request, { title: "To fork", files: [{ path: "main.py", content: "print('copy me')\n" }] });
  const bob = await signedInContext(browser, baseURL, "forker");
  await bob.page.goto(created.path);
  await bob.page.getByRole("button", { name: "Fork" }).click();
  await expect(bob.page).toHaveURL(new RegExp(`/${bob.username}/${created.slug}$`));
  await expect(bob.page.getByRole("region", { name: "main.py" })).toContainText("print('copy me')");
  await bob.context.close();
});
