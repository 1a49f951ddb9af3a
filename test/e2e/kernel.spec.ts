/**
 * A snippet's kernel as a reader and its owner see it: a `.sage` snippet is highlighted as
 * Python (on the page and in the editor) and says it runs in SageMath; the owner sets a `.py`
 * snippet's kernel on the edit form; the language filter names SageMath; and on this test site,
 * whose execution service has only Python, Run says plainly that the server has no SageMath.
 */
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";

test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

const NO_SAGE = "This server runs Python (python) only; it has no SageMath (sage) kernel.";

test("a .sage snippet is highlighted as Python, runs in SageMath, and says this server has none", async ({ page, user: _signedIn }) => {
  // Several page loads and two Runs: longer than the default 30 s on a busy machine.
  test.setTimeout(60_000);
  const { path } = await createSnippet(page.request, {
    title: "Symmetric group",
    files: [{ path: "main.sage", content: "def order(n):\n    return SymmetricGroup(n).order()\nprint(order(4))\n" }],
  });
  await page.goto(path);
  const file = page.getByRole("region", { name: "main.sage" });
  // Highlighted on the server with Python's grammar: keywords are coloured spans.
  await expect(file.locator(".code-file span[class^='s']", { hasText: "def" }).first()).toBeVisible();
  await expect(page.locator(".run-kernel")).toHaveText("Runs in SageMath");

  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.locator(".run-problem")).toHaveText(NO_SAGE);

  // The editor highlights it as Python too: `def` is a styled token, not plain text.
  await page.goto(`${path}/edit`);
  await expect(page.getByLabel("Kernel")).toHaveValue("auto");
  const line = page.locator(".snippet-editor .cm-content .cm-line").first();
  await expect(line.locator("span", { hasText: /^def$/ })).toHaveCount(1);
});

test("the owner runs a .py snippet in SageMath from the edit form, and the filter lists it under SageMath", async ({ page, user }) => {
  test.setTimeout(90_000);
  const tag = `kernels-${user.username}`;
  const { path } = await createSnippet(page.request, { title: "Factor", tags: [tag], files: [{ path: "main.py", content: "print(6 * 7)\n" }] });
  await page.goto(path);
  await expect(page.locator(".run-kernel")).toHaveText("Runs in Python");

  await page.goto(`${path}/edit`);
  await page.getByLabel("Kernel").selectOption({ label: "SageMath" });
  await page.getByLabel("What changed?").fill("Run in SageMath");
  await page.getByRole("button", { name: "Save revision" }).click();
  await expect(page).toHaveURL(new RegExp(`${path}$`));
  await expect(page.locator(".run-kernel")).toHaveText("Runs in SageMath");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.locator(".run-problem")).toHaveText(NO_SAGE);

  // The edit form remembers the choice; the tag page's language filter names it.
  await page.goto(`${path}/edit`);
  await expect(page.getByLabel("Kernel")).toHaveValue("sage");
  await page.goto(`/tags/${tag}`);
  await expect(page.getByLabel("Language").locator("option", { hasText: /^SageMath \(\d+\)$/ })).toHaveCount(1);
  await page.getByLabel("Language").selectOption({ value: "sage" });
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("link", { name: "Factor", exact: true })).toBeVisible();

  // Back to automatic: Python again.
  await page.goto(`${path}/edit`);
  await page.getByLabel("Kernel").selectOption({ value: "auto" });
  await page.getByRole("button", { name: "Save revision" }).click();
  await expect(page).toHaveURL(new RegExp(`${path}$`));
  await expect(page.locator(".run-kernel")).toHaveText("Runs in Python");
});
