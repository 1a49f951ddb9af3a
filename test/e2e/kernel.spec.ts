/**
 * A snippet's kernel as a reader and its owner see it: a `.sage` snippet is highlighted as
 * Python (on the page and in the editor), says it runs in SageMath and runs in Sage, its cell box
 * too; the owner sets a `.py` snippet's kernel on the edit form; the language filter names
 * SageMath; and on the second test site, which has no Sage kernel, Run says so plainly.
 */
import type { Page } from "@playwright/test";
import { sageInstalled } from "@/lib/exec/kernels";
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";

const NO_SAGE = "This server runs Python (python) only; it has no SageMath (sage) kernel.";
const panel = (page: Page) => page.getByRole("region", { name: "Run output" });

/** Types a one-line cell into the Run panel's editor and runs it with Shift+Enter. */
async function runCell(page: Page, code: string): Promise<void> {
  await page.locator(".run-cellbox .cm-content").click();
  await page.keyboard.type(code);
  await page.keyboard.press("Shift+Enter");
}

test.describe("on a site with SageMath", () => {
  test.skip(!sageInstalled(), "SageMath is not installed (CELLAR_SAGE=0): the sage kernel is unavailable");
  test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

  test("a .sage snippet is highlighted as Python, runs in SageMath, and its cell box runs Sage", async ({ page, user: _signedIn }) => {
    // Several page loads and a first Sage session (its zygote may still be starting): longer than 30 s.
    test.setTimeout(90_000);
    const { path } = await createSnippet(page.request, {
      title: "Symmetric group",
      files: [{ path: "main.sage", content: "def order(n):\n    return SymmetricGroup(n).order()\nprint(order(4), 2^10)\n" }],
    });
    await page.goto(path);
    const file = page.getByRole("region", { name: "main.sage" });
    // Highlighted on the server with Python's grammar: keywords are coloured spans.
    await expect(file.locator(".code-file span[class^='s']", { hasText: "def" }).first()).toBeVisible();
    await expect(page.locator(".run-kernel")).toHaveText("Runs in SageMath");

    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect(panel(page).locator(".run-out--stdout")).toHaveText("24 1024\n", { timeout: 45_000 });
    // The cell box under a Sage run runs Sage: the preparser, Sage's globals, the file's names.
    await runCell(page, "order(5) / 7, factor(2^10 - 1)");
    await expect(panel(page).locator(".run-cell").nth(1).locator(".run-result")).toContainText("(120/7, 3 * 11 * 31)");

    // The editor highlights it as Python too: `def` is a styled token, not plain text.
    await page.goto(`${path}/edit`);
    await expect(page.getByLabel("Kernel")).toHaveValue("auto");
    const line = page.locator(".snippet-editor .cm-content .cm-line").first();
    await expect(line.locator("span", { hasText: /^def$/ })).toHaveCount(1);
  });

  test("the owner runs a .py snippet in SageMath from the edit form, and the filter lists it under SageMath", async ({ page, user }) => {
    test.setTimeout(90_000);
    const tag = `kernels-${user.username}`;
    // In Python ^ is exclusive or (8); in Sage a power (1024).
    const { path } = await createSnippet(page.request, { title: "Powers", tags: [tag], files: [{ path: "main.py", content: "print(2^10)\n" }] });
    await page.goto(path);
    await expect(page.locator(".run-kernel")).toHaveText("Runs in Python");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect(panel(page).locator(".run-out--stdout")).toHaveText("8\n", { timeout: 30_000 });

    await page.goto(`${path}/edit`);
    await page.getByLabel("Kernel").selectOption({ label: "SageMath" });
    await page.getByLabel("What changed?").fill("Run in SageMath");
    await page.getByRole("button", { name: "Save revision" }).click();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.locator(".run-kernel")).toHaveText("Runs in SageMath");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    // A .py file in the sage kernel is Python (as `sage file.py`), with Sage's globals: the
    // cell box, though, is preparsed.
    await expect(panel(page).locator(".run-out--stdout")).toHaveText("8\n", { timeout: 45_000 });
    await runCell(page, "2^10, is_prime(1009)");
    await expect(panel(page).locator(".run-cell").nth(1).locator(".run-result")).toContainText("(1024, True)");

    // The edit form remembers the choice; the tag page's language filter names it.
    await page.goto(`${path}/edit`);
    await expect(page.getByLabel("Kernel")).toHaveValue("sage");
    await page.goto(`/tags/${tag}`);
    await expect(page.getByLabel("Language").locator("option", { hasText: /^SageMath \(\d+\)$/ })).toHaveCount(1);
    await page.getByLabel("Language").selectOption({ value: "sage" });
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByRole("link", { name: "Powers", exact: true })).toBeVisible();

    // Back to automatic: Python again.
    await page.goto(`${path}/edit`);
    await page.getByLabel("Kernel").selectOption({ value: "auto" });
    await page.getByRole("button", { name: "Save revision" }).click();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.locator(".run-kernel")).toHaveText("Runs in Python");
  });
});

test.describe("on a site without SageMath", () => {
  // The second site of playwright.config.ts runs with EXEC_SAGE=0.
  test.use({ baseURL: `http://127.0.0.1:${process.env.CELLAR_E2E_SHORT_PORT}` });
  test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

  test("a Sage snippet's Run says plainly that this server has no SageMath", async ({ page, user: _signedIn }) => {
    test.setTimeout(60_000);
    const { path } = await createSnippet(page.request, { title: "Needs Sage", files: [{ path: "main.sage", content: "print(factor(2^10 - 1))\n" }] });
    await page.goto(path);
    await expect(page.locator(".run-kernel")).toHaveText("Runs in SageMath");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect(page.locator(".run-problem")).toHaveText(NO_SAGE);
  });
});
