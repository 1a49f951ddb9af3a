/**
 * Tab completion and Shift+Tab help in the code boxes, in a real browser against the real
 * execution service: before a run the box says to run first; after `import math` on /cell,
 * `math.fa` + Tab lists `factorial`, one match is typed in, Shift+Tab inside `math.factorial(`
 * shows its signature and docstring, Escape closes it, Tab elsewhere still indents, and a
 * `name?` cell prints the help. Screenshots go to test-results/e2e/completion-*.png.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";
import { typeCode } from "./support/type-code";

test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

// A session's start waits for a sandbox: on a busy two-core machine that can take longer than 5 s.
const SLOW = { timeout: 20_000 };

const panelOf = (page: Page) => page.getByRole("region", { name: "Run output" });

test("Tab completes from the live session and Shift+Tab shows help, on /cell", async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto("/cell?lang=python");
  const box = page.locator(".cell-box .cm-content");

  // No session yet: Tab after a name says how to get one, and completes nothing.
  await typeCode(page, box, "import mat");
  await page.keyboard.press("Tab");
  await expect(page.locator(".cm-assist--message")).toHaveText("Run once to complete from the session.");
  await expect(box).toHaveText("import mat");
  await page.keyboard.press("Escape");
  await expect(page.locator(".cm-assist")).toHaveCount(0);

  await page.keyboard.type("h\nprint('ready')");
  await page.keyboard.press("Shift+Enter");
  const panel = panelOf(page);
  await expect(panel.locator(".run-out--stdout")).toHaveText("ready\n", SLOW);

  // The run's own box: `math.fa` + Tab lists both matches; Enter takes the highlighted one.
  const cellBox = panel.locator(".run-cellbox .cm-content");
  await typeCode(page, cellBox, "math.fa");
  await page.keyboard.press("Tab");
  const list = page.getByRole("listbox");
  await expect(list.getByRole("option", { name: "factorial" })).toBeVisible();
  await expect(list.getByRole("option", { name: "fabs" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("completion-list.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: test.info().outputPath("completion-list-dark.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(cellBox).toHaveText("math.factorial");
  await expect(list).toHaveCount(0);

  // Shift+Tab inside the call's parentheses: the function's signature and docstring.
  await page.keyboard.type("(");
  await page.keyboard.press("Shift+Tab");
  const help = page.locator(".cm-assist--help");
  await expect(help).toContainText("Signature: math.factorial(n, /)");
  await expect(help).toContainText("Find n!");
  await page.screenshot({ path: test.info().outputPath("completion-help.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: test.info().outputPath("completion-help-dark.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  await page.keyboard.press("Escape");
  await expect(help).toHaveCount(0);

  // One match is typed in at once; Tab where no name ends still indents.
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.type("x = math.facto");
  await page.keyboard.press("Tab");
  await expect(cellBox).toHaveText("x = math.factorial");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Shift+Home");
  await page.keyboard.press("Delete");
  await page.keyboard.press("Tab");
  await expect(panel.locator(".run-cellbox textarea")).toHaveValue("x = math.factorial\n    ");

  // The main box completes from the same session now, and `name?` as a cell prints the help.
  await box.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("\nmath.facto");
  await page.keyboard.press("Tab");
  await expect(box).toContainText("math.factorial");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await cellBox.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.type("math.factorial?");
  await page.keyboard.press("Shift+Enter");
  await expect(panel.locator(".run-cell").nth(1).locator(".run-out--stdout")).toContainText("Signature: math.factorial(n, /)", SLOW);
});
