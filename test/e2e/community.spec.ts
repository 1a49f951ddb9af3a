/**
 * Ratings, counts, thumbnails, license, related snippets and sharing, as readers see them:
 * a reader rates a snippet with the star buttons and it moves up the home page's top-rated
 * list; the owner's run gives the snippet its thumbnail on cards; views count once per reader;
 * the owner links related snippets. Screenshots at desktop and phone widths go to
 * test-results/e2e/community-*.png.
 */
import { randomBytes } from "node:crypto";
import type { APIRequestContext, Page } from "@playwright/test";
import { createSnippet, expect, signedInContext, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";

test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

async function snippetJson(request: APIRequestContext, path: string) {
  const res = await request.get(`/api/v1/snippets${path}`);
  expect(res.ok()).toBe(true);
  return (await res.json()) as {
    viewCount: number;
    runCount: number;
    rating: { average: number | null; count: number };
    license: string;
    thumbnailUrl: string | null;
  };
}

/** Titles of the home page's "Top rated" list, in order (first page). */
async function topRated(page: Page): Promise<string[]> {
  await page.goto("/?sort=top");
  return page.locator(".snippet-card__name").allTextContents();
}

test("a reader rates a snippet and it moves up the top-rated list", async ({ page, browser, baseURL, user: _reader }) => {
  test.setTimeout(60_000);
  const owner = await signedInContext(browser, baseURL, "owner");
  const critic = await signedInContext(browser, baseURL, "critic");
  const fan = await signedInContext(browser, baseURL, "fan");
  const tag = randomBytes(3).toString("hex");
  const first = `Rated first ${tag}`;
  const second = `Rated second ${tag}`;
  const { path: firstPath } = await createSnippet(owner.page.request, { title: first, files: [{ path: "main.py", content: "print(1)\n" }] });
  const { path: secondPath } = await createSnippet(owner.page.request, { title: second, files: [{ path: "main.py", content: "print(2)\n" }] });
  const rate = async (who: Page, path: string, stars: number) =>
    expect((await who.request.put(`/api/v1/snippets${path}/rating`, { data: { stars } })).ok()).toBe(true);

  // Two 5s for the first, one for the second: the first is above (the Bayesian average counts
  // votes, whatever the site's mean). Five-star snippets are above every unrated one.
  await rate(critic.page, firstPath, 5);
  await rate(fan.page, firstPath, 5);
  await rate(critic.page, secondPath, 5);
  let order = await topRated(page);
  expect(order.indexOf(first)).toBeGreaterThanOrEqual(0);
  expect(order.indexOf(first)).toBeLessThan(order.indexOf(second));

  // The reader opens the second and rates it with the buttons: 4 stars, then changes it to 5.
  await page.goto(secondPath);
  await expect(page.getByTestId("rating-summary")).toHaveText("5.0 of 5 (1 rating)");
  const stars = page.getByRole("group", { name: "Your rating" });
  await stars.getByRole("button", { name: "4 stars" }).click();
  await expect(page.getByTestId("rating-summary")).toHaveText("4.5 of 5 (2 ratings)");
  await stars.getByRole("button", { name: /^5 stars/ }).click();
  await expect(page.getByTestId("rating-summary")).toHaveText("5.0 of 5 (2 ratings)");
  await expect(stars.getByRole("button", { name: /^5 stars/ })).toHaveAttribute("aria-pressed", "true");

  // A reload shows the reader's own rating again (the page is cached; the widget asks).
  await page.reload();
  await expect(page.getByRole("group", { name: "Your rating" }).getByRole("button", { name: /^5 stars/ })).toHaveAttribute("aria-pressed", "true");

  // Now both have two 5s; the newer goes first: the second has moved above the first.
  order = await topRated(page);
  expect(order.indexOf(second)).toBeGreaterThanOrEqual(0);
  expect(order.indexOf(second)).toBeLessThan(order.indexOf(first));
  const card = page.locator(".snippet-card", { hasText: second });
  await expect(card.getByRole("img", { name: "Rated 5.0 of 5 by 2 people" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("community-top-rated.png"), fullPage: true });

  // The owner sees the rating but no star buttons on their own snippet.
  await owner.page.goto(secondPath);
  await expect(owner.page.getByTestId("rating-summary")).toHaveText("5.0 of 5 (2 ratings)");
  await expect(owner.page.getByRole("group", { name: "Your rating" })).toHaveCount(0);
  for (const u of [owner, critic, fan]) await u.context.close();
});

test("the owner's run gives the snippet its thumbnail on cards; views and runs count once per reader", async ({ page, browser, baseURL, user }) => {
  test.setTimeout(90_000);
  const title = `Thumbnail ${randomBytes(3).toString("hex")}`;
  // Written so that the publication run (which only runs code that visibly draws) skips it:
  // the thumbnail seen here can only come from the owner's own run.
  const { path } = await createSnippet(page.request, {
    title,
    license: "MIT",
    files: [
      {
        path: "main.py",
        content: ['m = __import__("matpl" + "otlib.pyp" + "lot", fromlist=["x"])', 'getattr(m, "pl" + "ot")([1, 3, 2, 4])', 'print("drawn")', ""].join("\n"),
      },
    ],
  });
  await page.goto(`/${user.username}`);
  const card = page.locator(".snippet-card", { hasText: title });
  await expect(card).toBeVisible();
  await expect(card.locator(".snippet-card__thumb img")).toHaveCount(0);

  // The owner presses Run; the figure appears in the panel.
  await page.goto(path);
  await expect(page.getByText("License:")).toBeVisible();
  await expect(page.getByRole("link", { name: "MIT" })).toHaveAttribute("href", "https://opensource.org/license/mit");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByRole("region", { name: "Run output" }).locator("img.run-image").first()).toBeVisible({ timeout: 30_000 });

  // The card now shows the thumbnail, a real PNG from the thumbnail route, cached for good.
  await expect(async () => {
    await page.goto(`/${user.username}`);
    await expect(card.locator(".snippet-card__thumb img")).toHaveCount(1);
  }).toPass({ timeout: 20_000 });
  const img = card.locator(".snippet-card__thumb img");
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(100);
  const src = (await img.getAttribute("src")) ?? "";
  const thumb = await page.request.get(src);
  expect(thumb.headers()["content-type"]).toBe("image/png");
  expect(thumb.headers()["cache-control"]).toContain("immutable");
  expect(thumb.headers()["x-content-type-options"]).toBe("nosniff");
  expect((await thumb.body()).subarray(1, 4).toString()).toBe("PNG");

  // The owner's own view and run were not counted.
  expect(await snippetJson(page.request, path)).toMatchObject({ viewCount: 0, runCount: 0, license: "MIT" });

  // A reader (anonymous: counted by its address) views twice and runs once: one view, one run.
  const reader = await browser.newContext({ baseURL });
  const readerPage = await reader.newPage();
  const beacon = () => readerPage.waitForResponse((r) => r.url().endsWith(`${path}/views`) && r.request().method() === "POST");
  await Promise.all([beacon(), readerPage.goto(path)]);
  await Promise.all([beacon(), readerPage.reload()]);
  await readerPage.getByRole("button", { name: "Run", exact: true }).click();
  await expect(readerPage.getByRole("region", { name: "Run output" }).locator("img.run-image").first()).toBeVisible({ timeout: 30_000 });
  await expect.poll(async () => (await snippetJson(page.request, path)).runCount).toBe(1);
  expect((await snippetJson(page.request, path)).viewCount).toBe(1);
  await reader.close();

  // Cards at desktop and phone widths.
  await page.goto(`/${user.username}`);
  await page.screenshot({ path: test.info().outputPath("community-cards-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "the page scrolls sideways on a phone").toBeLessThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath("community-cards-phone.png"), fullPage: true });
});

test("the owner links related snippets and tags; the page shows them and ways to share", async ({ page, user }) => {
  test.setTimeout(60_000);
  const tag = randomBytes(3).toString("hex");
  const { path: other } = await createSnippet(page.request, { title: `Related one ${tag}`, files: [{ path: "main.py", content: "print(1)\n" }] });
  const { path } = await createSnippet(page.request, { title: `Main one ${tag}`, files: [{ path: "main.py", content: "print(2)\n" }] });

  await page.goto(`${path}/edit`);
  await page.getByLabel(/^Related snippets/).fill(`${other.slice(1)}\n`);
  await page.getByLabel(/^Related tags/).fill("calculus/limits");
  await page.getByLabel("License").selectOption("CC0-1.0");
  await page.getByRole("button", { name: "Save revision" }).click();
  // Saving makes a revision and updates the search index: slower than a click on a busy machine.
  await expect(page).toHaveURL(path, { timeout: 20_000 });

  const related = page.getByRole("region", { name: "Related" });
  await expect(related.getByRole("link", { name: `Related one ${tag}` })).toHaveAttribute("href", other);
  await expect(related.getByRole("list", { name: "Related tags" }).getByRole("link", { name: "calculus/limits" })).toHaveAttribute(
    "href",
    "/tags/calculus/limits",
  );
  await expect(page.getByRole("link", { name: "CC0 1.0 (public domain)" })).toBeVisible();

  const share = page.getByRole("region", { name: "Share" });
  const url = new URL(path, page.url()).toString();
  await expect(share.getByRole("link", { name: "E-mail" })).toHaveAttribute(
    "href",
    `mailto:?subject=${encodeURIComponent(`Main one ${tag}`)}&body=${encodeURIComponent(`Main one ${tag}\n${url}`)}`,
  );
  await expect(share.getByRole("link", { name: "Reddit" })).toHaveAttribute(
    "href",
    `https://www.reddit.com/submit?url=${encodeURIComponent(url)}&title=${encodeURIComponent(`Main one ${tag}`)}`,
  );
  await expect(share.getByRole("button", { name: "Copy the link to this snippet" })).toBeVisible();
  // No script from another origin on the page.
  const foreign = await page.evaluate(() => [...document.scripts].map((s) => s.src).filter((src) => src && new URL(src).origin !== location.origin));
  expect(foreign).toEqual([]);

  // A bad related name is refused with a message and nothing typed is lost.
  await page.goto(`${path}/edit`);
  await page.getByLabel(/^Related snippets/).fill(`${user.username}/no-such-snippet`);
  await page.getByRole("button", { name: "Save revision" }).click();
  await expect(page.locator(".flash-error")).toHaveText(`Related snippet ${user.username}/no-such-snippet does not exist.`);
  await expect(page.getByLabel(/^Related snippets/)).toHaveValue(`${user.username}/no-such-snippet`);

  await page.goto(path);
  await page.screenshot({ path: test.info().outputPath("community-page-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "the page scrolls sideways on a phone").toBeLessThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath("community-page-phone.png"), fullPage: true });
});
