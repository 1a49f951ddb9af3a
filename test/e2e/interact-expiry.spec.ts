/**
 * A live interact's session ends while the reader is away: the page says so plainly, and
 * Restart runs the snippet again with the controls' last values. Runs against the second site of
 * playwright.config.ts, whose sessions end after SHORT_IDLE_SECONDS without use.
 */
import { SHORT_IDLE_SECONDS } from "../../playwright.config";
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";

test.use({ baseURL: `http://127.0.0.1:${process.env.CELLAR_E2E_SHORT_PORT}` });
test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

test("an idle interact says it stopped, and Restart brings it back with its values", async ({ page, user: _signedIn }) => {
  test.setTimeout(90_000);
  const { path } = await createSnippet(page.request, {
    title: "Expiring",
    files: [{ path: "main.py", content: "@interact\ndef grow(n=slider(1, 10, 1, default=1)):\n    print('n is', n)\n" }],
  });
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const interact = page.getByRole("region", { name: "Interact grow" });
  const output = page.getByRole("region", { name: "Output of grow" });
  await expect(output).toHaveText("n is 1", { timeout: 30_000 });
  await interact.getByRole("slider", { name: "n" }).focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
  await expect(output).toHaveText("n is 5");

  // (A slider's <output> is a status too: the notice is the one that says it stopped.)
  const stopped = interact.getByRole("status").filter({ hasText: "stopped" });
  await expect(stopped).toHaveText(`This interact stopped after ${SHORT_IDLE_SECONDS} seconds without use.Restart`, {
    timeout: (SHORT_IDLE_SECONDS + 10) * 1000,
  });
  await expect(interact.getByRole("slider", { name: "n" })).toBeDisabled();
  await page.screenshot({ path: "test-results/e2e/interact-expired.png", fullPage: true });

  await interact.getByRole("button", { name: "Restart" }).click();
  await expect(page.getByRole("region", { name: "Output of grow" })).toHaveText("n is 5", { timeout: 30_000 });
  await expect(page.getByRole("region", { name: "Interact grow" }).getByRole("slider", { name: "n" })).toHaveValue("5");
  await expect(page.getByRole("region", { name: "Interact grow" }).getByRole("slider", { name: "n" })).toBeEnabled();
});
