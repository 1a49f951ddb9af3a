/**
 * Search as a reader uses it: suggestions in the header's box while typing, a search with a
 * typo that finds a word in the code with the matching line marked (markup in it shown as
 * text), narrowing the results by a tag, and by an author typed as `user:name`.
 */
import { randomBytes, randomInt } from "node:crypto";
import { createSnippet, expect, signIn, signUp, test, uniqueUsername } from "./fixtures";

/** Lower-case letters only, so the made-up words below are whole words to the index. */
function letters(n: number): string {
  return Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join("");
}

test("suggestions as you type, a typo forgiven in code, the line marked, a tag filter", async ({ page, user }) => {
  const run = letters(5);
  const title = `${run}spectral decomposition`;
  const codeWord = `${run}eigensolver`;
  const tag = `${run}algebra/${run}eigen`;
  for (const [t, tags, content] of [
    [title, [tag], `import numpy as np\n\n# <b>not bold</b> via ${codeWord}\nw = ${codeWord}(np.eye(3))\n`],
    [`${run}other matrix`, [`${run}misc`], `w = ${codeWord}(m)\n`],
  ] as const) {
    const response = await page.request.post("/api/v1/snippets", { data: { title: t, tags, files: [{ path: "main.py", content }] } });
    expect(response.status(), await response.text()).toBe(201);
  }

  await page.goto("/");
  const box = page.getByRole("combobox", { name: "Search snippets" });
  await box.fill(`${run}spectr`);
  const listbox = page.getByRole("listbox", { name: "Suggestions" });
  await expect(listbox.getByRole("option", { name: new RegExp(title) })).toBeVisible();
  await box.fill(`${run}eige`);
  await expect(listbox.getByRole("option", { name: new RegExp(tag) })).toBeVisible();
  await box.fill(`${run}spectr`);
  await expect(listbox.getByRole("option", { name: new RegExp(title) })).toBeVisible();
  await box.press("ArrowDown");
  await box.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/${user.username}/`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(title);

  // A letter dropped from a word that only appears in the code.
  const typo = codeWord.slice(0, -3) + codeWord.slice(-2);
  await page.goto("/");
  await box.fill(typo);
  await box.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=/);
  const results = page
    .getByRole("list", { name: "Results" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { level: 2 }) });
  await expect(results).toHaveCount(2);
  await expect(page.locator(".search-corrections")).toHaveText(`Read with typos forgiven: “${typo}” as ${codeWord}.`);
  const first = results.filter({ hasText: title });
  await expect(first.locator("mark").first()).toHaveText(codeWord);
  await expect(first.locator(".search-match__line")).toContainText(`# <b>not bold</b> via ${codeWord}`);
  await expect(first.locator(".search-match__line b")).toHaveCount(0);
  await expect(first.getByRole("link", { name: "main.py:3" })).toBeVisible();

  await first.getByRole("link", { name: tag }).click();
  await expect(page).toHaveURL(new RegExp(`tag=${encodeURIComponent(tag).replace(/%2F/g, "(%2F|/)")}`));
  await expect(results).toHaveCount(1);
  await expect(results.first()).toContainText(title);
});

test("a user: qualifier typed in the box keeps one author's snippets, shown as a removable filter", async ({ page, user, playwright, baseURL }) => {
  const word = `${letters(6)}lemma`;
  await createSnippet(page.request, { title: `Mine ${word}`, files: [{ path: "main.py", content: `${word} = 1\n` }] });
  const other = await playwright.request.newContext({ baseURL });
  const someone = { username: uniqueUsername("other"), password: `pw-${randomBytes(9).toString("hex")}` };
  await signUp(other, someone);
  await signIn(other, someone);
  await createSnippet(other, { title: `Theirs ${word}`, files: [{ path: "main.py", content: `${word} = 2\n` }] });
  await other.dispose();

  await page.goto("/search");
  const box = page.getByRole("searchbox", { name: "Search snippets" });
  const typed = `${word} user:${user.username}`;
  await box.fill(typed);
  await box.press("Enter");
  const results = page.getByRole("list", { name: "Results" }).getByRole("heading", { level: 2 });
  await expect(results).toHaveText([`Mine ${word}`]);
  await expect(box).toHaveValue(typed);
  const filters = page.getByLabel("Filters", { exact: true });
  await expect(filters).toContainText(`by ${user.username}`);

  await filters.getByRole("link", { name: `Remove the filter by ${user.username}` }).click();
  await expect(results).toHaveCount(2);
  await expect(box).toHaveValue(word);
  await expect(page.getByLabel("Filters", { exact: true })).toHaveCount(0);
});
