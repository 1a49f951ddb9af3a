/**
 * Static interacts in a real browser: the owner precomputes a snippet's interact from the page;
 * a reader (signed out) sees the output at once and moves the controls with no run session at
 * all (no request to /api/v1/runs), values off the precomputed grid ask for Run live, and Run
 * live starts a real session with the values the reader set. Screenshot:
 * test-results/e2e/static-interacts.png.
 */
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";

test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

test("the owner precomputes an interact; a reader plays it with no session, then goes live", async ({ page, browser, baseURL, user: _signedIn }) => {
  test.setTimeout(120_000);
  const { path } = await createSnippet(page.request, {
    title: "Precomputed squares",
    files: [
      {
        path: "main.py",
        content: [
          "@interact",
          "def squares(n=slider(0, 6, 1, default=2), loud=False):",
          "    print(('N' if loud else 'n') + ' squared is ' + str(n * n))",
          "",
        ].join("\n"),
      },
    ],
  });

  // The owner's button (nobody else sees it) runs every combination: 7 × 2.
  await page.goto(path);
  await page.getByRole("button", { name: "Precompute interacts" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Precomputed 1 interact (14 results)." })).toBeVisible({ timeout: 90_000 });

  // A reader, signed out, in a fresh context.
  const context = await browser.newContext({ baseURL });
  const reader = await context.newPage();
  const runRequests: string[] = [];
  reader.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/api/v1/runs")) runRequests.push(r.url());
  });
  await reader.goto(path);
  await expect(reader.getByRole("button", { name: "Precompute interacts" })).toHaveCount(0);
  const output = reader.getByRole("region", { name: "Output of squares" });
  // There at once, without pressing Run.
  await expect(output).toHaveText("n squared is 4");
  await expect(reader.getByText("computed in advance by the snippet's owner")).toBeVisible();

  const slider = reader.getByRole("slider", { name: "n" });
  await slider.focus();
  await reader.keyboard.press("ArrowRight");
  await expect(output).toHaveText("n squared is 9");
  await reader.keyboard.press("End");
  await expect(output).toHaveText("n squared is 36");
  await reader.getByRole("checkbox", { name: "loud" }).check();
  await expect(output).toHaveText("N squared is 36");
  await reader.screenshot({ path: "test-results/e2e/static-interacts.png", fullPage: true });
  expect(runRequests).toEqual([]);

  // Run live: a real session, given the values the reader set.
  await reader.getByRole("button", { name: "Run live" }).click();
  await expect(reader.getByText("computed in advance by the snippet's owner")).toHaveCount(0);
  await expect(output).toHaveText("N squared is 36", { timeout: 30_000 });
  expect(runRequests.some((u) => new URL(u).pathname === "/api/v1/runs")).toBe(true);
  await expect(reader.getByRole("checkbox", { name: "loud" })).toBeChecked();
  await context.close();
});
