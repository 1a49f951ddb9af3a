/**
 * Hierarchical tags in a real browser: tag a new snippet by picking a completion of an existing
 * tag, then walk the tag tree from /tags down to it, and climb back up from the snippet's page.
 * Every tag lives under a root no other test uses, so the counts seen are this test's own.
 */
import { expect, test, uniqueUsername } from "./fixtures";

test("tag a snippet with autocomplete, then browse the tag tree to it", async ({ page, user: _signedIn }) => {
  const root = uniqueUsername("tg");
  // An existing snippet whose tag the form will offer.
  const first = await page.request.post("/api/v1/snippets", {
    data: { title: "Secant lines", tags: [`${root}/calculus/derivatives`], files: [{ path: "main.py", content: "print('secant')\n" }] },
  });
  expect(first.status(), await first.text()).toBe(201);

  await page.goto("/new");
  await page.getByLabel("Title", { exact: true }).fill("Tangent lines");
  const tags = page.getByRole("combobox", { name: /Tags/ });
  await tags.pressSequentially(`${root}/calc`);
  const options = page.getByRole("listbox", { name: "Suggestions" }).getByRole("option");
  // The ancestor (which no snippet names alone) and the tag itself, each with its count.
  await expect(options).toHaveText([`${root}/calculus1`, `${root}/calculus/derivatives1`]);
  await tags.press("ArrowDown");
  await tags.press("ArrowDown");
  await expect(options.nth(1)).toHaveAttribute("aria-selected", "true");
  await tags.press("Enter");
  await expect(tags).toHaveValue(`${root}/calculus/derivatives, `);
  await expect(page.getByRole("listbox", { name: "Suggestions" })).toBeHidden();
  // A second, new tag: nothing to complete, typed as it is.
  await tags.pressSequentially(`${root}/geometry`);
  await expect(page.getByText("2 of 10 tags")).toBeVisible();

  await page.locator(".snippet-editor fieldset").first().locator(".cm-content").click();
  await page.keyboard.type("print('tangent')");
  await page.getByRole("button", { name: "Publish snippet" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tangent lines");
  const snippetUrl = new URL(page.url()).pathname;
  const pageTags = page.getByRole("list", { name: "Tags", exact: true });
  await expect(pageTags.getByRole("listitem")).toHaveText([`${root}/calculus/derivatives`, `${root}/geometry`]);

  // Down the tree from /tags: the root, then calculus (both snippets), then derivatives.
  await page.goto("/tags");
  const rootLink = page.getByRole("link", { name: root, exact: true });
  for (let n = 0; n < 20 && !(await rootLink.isVisible()); n++) await page.getByRole("link", { name: "Next →" }).click();
  const rootCard = page.locator(".tag-tree__node", { has: rootLink });
  await expect(rootCard).toContainText("2 snippets");
  await expect(rootCard.getByRole("link")).toHaveText([root, "calculus2", "geometry1"]);
  await rootLink.click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText(root);
  await page
    .getByRole("list", { name: `Tags under ${root}` })
    .getByRole("link", { name: /^calculus/ })
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${root}/calculus`);
  await expect(page.getByRole("navigation", { name: "Breadcrumbs" }).getByRole("link")).toHaveText(["Tags", root]);
  const results = page.getByRole("region", { name: /snippets$/i });
  await expect(results.getByRole("article")).toHaveCount(2);
  await expect(results.getByRole("article").nth(0)).toContainText("Tangent lines");
  await expect(results.getByRole("article").nth(1)).toContainText("Secant lines");
  await page
    .getByRole("list", { name: `Tags under ${root}/calculus` })
    .getByRole("link", { name: /^derivatives/ })
    .click();
  await expect(page).toHaveURL(new RegExp(`/tags/${root}/calculus/derivatives$`));

  // Filters combine with the tag: only the snippet also tagged geometry.
  await page.getByLabel("Also tagged").fill(`${root}/geometry`);
  await page.getByLabel("Also tagged").press("Escape");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(results.getByRole("article")).toHaveCount(1);
  await expect(results.getByRole("article")).toContainText("Tangent lines");
  await page.getByRole("link", { name: "Tangent lines" }).click();
  await expect(page).toHaveURL(new RegExp(`${snippetUrl}$`));

  // From the snippet, each level of a tag path is a link up the tree.
  await page.getByRole("link", { name: `Tag ${root}/calculus`, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${root}/calculus`);
});

test("GET /api/v1/tags completes a prefix with counts and pages; GET /api/v1/snippets filters by several tags", async ({ page, user: _signedIn }) => {
  const root = uniqueUsername("tga");
  for (const tags of [[`${root}/algebra/groups`], [`${root}/algebra/rings`, `${root}/algebra`], [`${root}/analysis`]]) {
    const created = await page.request.post("/api/v1/snippets", { data: { title: "T", tags, files: [{ path: "main.py", content: "1\n" }] } });
    expect(created.status(), await created.text()).toBe(201);
  }
  const first = await page.request.get(`/api/v1/tags?prefix=${root}/al&limit=2`);
  expect(first.status()).toBe(200);
  const body = (await first.json()) as { items: { name: string; count: number; url: string }[]; page: number; hasNext: boolean };
  expect(body.items.map((t) => [t.name, t.count])).toEqual([
    [`${root}/algebra`, 2],
    [`${root}/algebra/groups`, 1],
  ]);
  expect(new URL(body.items[0]?.url ?? "").pathname).toBe(`/tags/${root}/algebra`);
  expect(body.hasNext).toBe(true);
  const second = (await (await page.request.get(`/api/v1/tags?prefix=${root}/al&limit=2&page=2`)).json()) as typeof body;
  expect([second.items.map((t) => t.name), second.hasNext]).toEqual([[`${root}/algebra/rings`], false]);

  // The snippet list filters by tags with their descendants, several at once.
  const listed = async (query: string) =>
    ((await (await page.request.get(`/api/v1/snippets?${query}`)).json()) as { items: { tags: string[] }[] }).items.map((s) => s.tags.join(" "));
  expect(await listed(`tag=${root}/algebra&sort=created`)).toEqual([`${root}/algebra ${root}/algebra/rings`, `${root}/algebra/groups`]);
  expect(await listed(`tag=${root}/algebra,${root}/algebra/rings`)).toEqual([`${root}/algebra ${root}/algebra/rings`]);
  expect((await page.request.get("/api/v1/snippets?tag=a//b")).status()).toBe(422);

  const bad = await page.request.get("/api/v1/tags?prefix=a&limit=500");
  expect(bad.status()).toBe(422);
  expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("limit");
});
