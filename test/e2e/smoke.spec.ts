import { expect, test } from "./fixtures";

test("home page shows the site name and logs no console errors", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    // "Failed to load resource" alone does not say which; the location names the address.
    if (message.type() === "error") errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(error.message));

  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.locator("header")).toContainText("Cellar");
  await expect(page).toHaveTitle(/Cellar/);
  // Hydration warnings, failed script loads and the favicon arrive after the first paint.
  await page.waitForLoadState("networkidle");
  expect(errors).toEqual([]);
});

test("a signed-in visitor sees their account in the header, not a sign-in link", async ({ page, user }) => {
  await page.goto("/");
  const header = page.locator("header");
  await expect(header.getByRole("link", { name: user.username })).toBeVisible();
  await expect(header.getByRole("link", { name: "Sign in" })).toHaveCount(0);
});
