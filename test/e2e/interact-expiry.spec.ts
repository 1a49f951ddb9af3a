/**
 * A live interact's session ends while the reader is away: the page says so plainly, and
 * Restart runs the snippet again with the controls' last values. Runs against the second site of
 * playwright.config.ts, whose sessions end after SHORT_IDLE_SECONDS without use.
 */
import { createServer } from "node:http";
import { SHORT_IDLE_SECONDS } from "../../playwright.config";
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";
import { freePort } from "./support/free-port";

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

test("an embedded cell's interact in its output frame (outputLocation): Restart there runs the cell again", async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  // A course page on another origin (localhost, not 127.0.0.1), served for this test only.
  const page_ = `<!doctype html><html><head><meta charset="utf-8"><title>course</title></head><body>
    <script src="${baseURL}/embed.js"></script>
    <div id="code">@interact
def grow(n=slider(1, 10, 1, default=1)):
    print('n is', n)</div>
    <p>Its output:</p><div id="out"></div>
    <script>cellar.makeCell({ inputLocation: "#code", outputLocation: "#out" });</script></body></html>`;
  const host = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(page_);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => host.listen(port, "127.0.0.1", resolve));
  try {
    await page.goto(`http://localhost:${port}/`);
    const cell = page.frameLocator("#code iframe");
    const out = page.frameLocator("#out iframe");
    await cell.getByRole("button", { name: "Run", exact: true }).click();
    const output = out.getByRole("region", { name: "Output of grow" });
    await expect(output).toHaveText("n is 1", { timeout: 30_000 });
    await out.getByRole("slider", { name: "n" }).focus();
    await page.keyboard.press("ArrowRight");
    await expect(output).toHaveText("n is 2");

    const interact = out.getByRole("region", { name: "Interact grow" });
    await expect(interact.getByRole("status").filter({ hasText: "stopped" })).toContainText("stopped", { timeout: (SHORT_IDLE_SECONDS + 10) * 1000 });
    await expect(interact.getByRole("slider", { name: "n" })).toBeDisabled();
    // The output frame starts nothing itself: its Restart asks the cell's frame, through the host page, to run again.
    await interact.getByRole("button", { name: "Restart" }).click();
    await expect(out.getByRole("region", { name: "Interact grow" }).getByRole("slider", { name: "n" })).toBeEnabled({ timeout: 30_000 });
    await expect(out.getByRole("region", { name: "Output of grow" })).toHaveText("n is 1");
    await out.getByRole("slider", { name: "n" }).focus();
    await page.keyboard.press("ArrowRight");
    await expect(out.getByRole("region", { name: "Output of grow" })).toHaveText("n is 2", { timeout: 30_000 });
  } finally {
    await new Promise<void>((resolve) => host.close(() => resolve()));
  }
});
