/**
 * The /cell page in a real browser against the real execution service: code typed in the box
 * runs with Shift+Enter into the Run panel; Share makes a short link that opens the same code
 * on another page; SageMathCell-style links (?z= made by Python's zlib, autoeval=1) run on load;
 * a bad link says what is wrong and runs nothing; Save as snippet publishes it. Screenshots go
 * to test-results/e2e/cell-*.png.
 */
import { execFileSync } from "node:child_process";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";
import { validNotebook } from "./support/notebook-file";
import { typeCode } from "./support/type-code";

test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

/** Types `code` into the page's code box. */
const typeCellCode = (page: Page, code: string) => typeCode(page, page.locator(".cell-box .cm-content"), code);

/** SageMathCell's `z`: Python's zlib.compress of the code, base64url without padding. */
function sageCellZ(code: string): string {
  const script = "import base64, sys, zlib; print(base64.urlsafe_b64encode(zlib.compress(sys.stdin.buffer.read())).decode().rstrip('='), end='')";
  return execFileSync("/usr/bin/python3", ["-c", script], { input: Buffer.from(code, "utf8") }).toString("utf8");
}

const panelOf = (page: Page) => page.getByRole("region", { name: "Run output" });

// A session's start waits for a sandbox, and a save renders the new snippet's page: on a busy
// two-core machine either can take longer than expect's default 5 s.
const SLOW = { timeout: 20_000 };

test("type code, Shift+Enter runs it; Share makes a short link that opens the same code", async ({ page, context }) => {
  test.setTimeout(60_000);
  await page.goto("/cell?lang=python");
  await expect(page.getByRole("link", { name: "Run code" })).toBeVisible();
  await expect(page.getByLabel("Language")).toHaveValue("python");
  await typeCellCode(page, "total = sum(range(7)) * 2\nprint('hello from the cell')\ntotal");
  await page.keyboard.press("Shift+Enter");

  const panel = panelOf(page);
  await expect(panel.locator(".run-out--stdout")).toHaveText("hello from the cell\n", SLOW);
  await expect(panel.locator(".run-result")).toContainText(/Out\[\d+\]:\s*42/);
  // The run panel's own box runs more code in the same namespace.
  await panel.locator(".run-cellbox .cm-content").click();
  await page.keyboard.type("total + 1");
  await page.keyboard.press("Shift+Enter");
  await expect(panel.locator(".run-cell").nth(1).locator(".run-result")).toContainText(/Out\[\d+\]:\s*43/, SLOW);

  await page.getByRole("button", { name: "Share" }).click();
  const short = page.getByRole("textbox", { name: "Short link" });
  await expect(short).toHaveValue(/\/cell\?q=[A-Za-z]{8}$/);
  const url = await short.inputValue();
  await page.screenshot({ path: test.info().outputPath("cell-desktop.png"), fullPage: true });

  const other = await context.newPage();
  await other.goto(url);
  await expect(other.locator(".cell-box .cm-content")).toContainText("print('hello from the cell')");
  await expect(other.locator(".cell-box .cm-content")).toContainText("total = sum(range(7)) * 2");
  await expect(other.getByLabel("Language")).toHaveValue("python");
  await other.getByRole("button", { name: "Run", exact: true }).click();
  await expect(panelOf(other).locator(".run-out--stdout")).toHaveText("hello from the cell\n", SLOW);

  // The long link carries the code itself, compressed as SageMathCell does.
  const long = await page.getByRole("textbox", { name: "Link with the code in it" }).inputValue();
  expect(long).toMatch(/\/cell\?z=[A-Za-z0-9_-]+&lang=python$/);
  await other.goto(long);
  await expect(other.locator(".cell-box .cm-content")).toContainText("print('hello from the cell')");
  await other.close();

  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "the page scrolls sideways on a phone").toBeLessThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath("cell-phone.png"), fullPage: true });
});

test("Download as notebook holds the code Run ran and its output; the status names what it timed", async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto("/cell?lang=python");
  await typeCellCode(page, "x = 6 * 7\nprint(x)");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const panel = panelOf(page);
  await expect(panel.locator(".run-out--stdout")).toHaveText("42\n", SLOW);
  await expect(panel.getByRole("status")).toHaveText(/^Done in \d/);
  await panel.locator(".run-cellbox .cm-content").click();
  await page.keyboard.type("x + 1");
  await page.keyboard.press("Shift+Enter");
  await expect(panel.locator(".run-cell").nth(1).locator(".run-result")).toContainText(/Out\[\d+\]:\s*43/, SLOW);
  // The panel's own cell is not the whole run: the line says which cell its time is of.
  await expect(panel.getByRole("status")).toHaveText(/^Cell 2 done in \d/);
  // Typing after Run changes the box, not what ran: the notebook holds what ran.
  await page.locator(".cell-box .cm-content").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n# typed later");

  const [download] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Download as notebook" }).click()]);
  expect(download.suggestedFilename()).toBe("cell-python-run.ipynb");
  const notebook = await validNotebook(download);
  expect(notebook.kernel).toBe("python3");
  expect(notebook.cells).toEqual([
    { type: "code", source: "x = 6 * 7\nprint(x)", outputs: ["42\n"] },
    { type: "code", source: "x + 1", outputs: ["text/plain"] },
  ]);

  // A second Run is a fresh run of the box: one cell again, and "Done" is that run's.
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(panel.locator(".run-cell")).toHaveCount(1, SLOW);
  await expect(panel.locator(".run-out--stdout")).toHaveText("42\n", SLOW);
  await expect(panel.getByRole("status")).toHaveText(/^Done in \d/);
});

test("a short link keeps the interacts' values: its Run gives them back", async ({ page, context }) => {
  test.setTimeout(60_000);
  const code = "@interact\ndef square(n=slider(1, 10, 1, default=3)):\n    print(f'{n}^2 = {n * n}')\n";
  await page.goto(`/cell?lang=python&autoeval=1&c=${encodeURIComponent(code)}`);
  const interact = page.getByRole("region", { name: "Interact square" });
  const output = page.getByRole("region", { name: "Output of square" });
  await expect(output).toHaveText("3^2 = 9", { timeout: 30_000 });
  await interact.getByRole("slider", { name: "n" }).focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect(output).toHaveText("5^2 = 25");

  await page.getByRole("button", { name: "Share" }).click();
  const short = page.getByRole("textbox", { name: "Short link" });
  await expect(short).toHaveValue(/\/cell\?q=[A-Za-z]{8}$/);
  const other = await context.newPage();
  await other.goto(await short.inputValue());
  await other.getByRole("button", { name: "Run", exact: true }).click();
  await expect(other.getByRole("region", { name: "Output of square" })).toHaveText("5^2 = 25", { timeout: 30_000 });
  await expect(other.getByRole("region", { name: "Interact square" }).locator("output")).toHaveText("5");
  await other.close();
});

test("a SageMathCell link with z and autoeval=1 runs on load", async ({ page }) => {
  test.setTimeout(60_000);
  const code = "import math\nprint('pi is about', round(math.pi, 4))  # é ∫\n";
  await page.goto(`/cell?z=${sageCellZ(code)}&lang=python&autoeval=1`);
  await expect(panelOf(page).locator(".run-out--stdout")).toHaveText("pi is about 3.1416\n", SLOW);
  await expect(page.locator(".cell-box .cm-content")).toContainText("print('pi is about', round(math.pi, 4))  # é ∫");
});

test("a bad link says what is wrong and runs nothing", async ({ page }) => {
  await page.goto("/cell?z=bm90IHpsaWI&lang=python&autoeval=1");
  await expect(page.locator(".cell-problem")).toContainText("could not be read");
  await expect(page.locator(".cell-box .cm-content")).toBeVisible();
  await expect(panelOf(page)).toHaveCount(0);

  const unknown = await page.goto("/cell?q=nosuchlinkhere");
  expect(unknown?.status()).toBe(200);
  await expect(page.locator(".cell-problem")).toHaveText("There is no cell at this short link. Check that the whole link was copied.");

  await page.goto("/cell?c=print(1)&lang=cobol");
  await expect(page.locator(".cell-problem")).toHaveText('Unknown language "cobol" in this link: use lang=sage or lang=python.');
  await page.screenshot({ path: test.info().outputPath("cell-bad-link.png"), fullPage: true });
});

test("Save as snippet publishes the code as main.py and opens it", async ({ page, user }) => {
  await page.goto(`/cell?lang=python&c=${encodeURIComponent("print('saved from the cell')\n")}`);
  await page.getByLabel("Title", { exact: true }).fill("From the cell page");
  await page.getByRole("button", { name: "Save as snippet" }).click();
  await expect(page).toHaveURL(new RegExp(`/${user.username}/from-the-cell-page$`), SLOW);
  await expect(page.getByRole("heading", { name: "From the cell page" })).toBeVisible();
  await expect(page.getByText("main.py").first()).toBeVisible();
  await expect(page.getByText("print('saved from the cell')").first()).toBeVisible();
});
