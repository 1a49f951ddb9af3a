/**
 * Live interacts in a real browser against the real execution service: a slider moved with the
 * keyboard re-runs the function, selectors, a checkbox and an input grid drive it, a nested
 * interact appears inside its parent and works on its own, auto_update=False waits for Update,
 * an error shows in the interact's own area and the controls stay usable, and a link with values
 * reopens the page with those values set. Screenshots go to test-results/e2e/interact-*.png.
 */
import type { APIRequestContext, Page } from "@playwright/test";
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";

// Interacts need the execution service that `npm start` starts beside the site.
test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

/** A one-file snippet whose main.py is `code`. */
const publish = (request: APIRequestContext, title: string, code: string) => createSnippet(request, { title, files: [{ path: "main.py", content: code }] });

/** Opens the snippet, presses Run and waits for the interact named `name` to show its first output. */
async function runInteract(page: Page, path: string, name: string) {
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const interact = page.getByRole("region", { name: `Interact ${name}` });
  // The first run waits for a free runner: longer than a control change on a busy machine.
  await expect(interact).toBeVisible({ timeout: 30_000 });
  return { interact, output: page.getByRole("region", { name: `Output of ${name}` }) };
}

test("a slider moved with the keyboard, selectors and a checkbox re-run the function", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  const { path } = await publish(
    page.request,
    "Controls",
    [
      "@interact",
      "def controls(n=slider(1, 10, 1, default=3), shape=selector(['square', 'cube', 'fourth power'], label='power'),",
      "             colour=['red', 'green', 'blue'], loud=False):",
      "    p = {'square': 2, 'cube': 3, 'fourth power': 4}[shape]",
      "    text = f'{n}^{p} = {n ** p} in {colour}'",
      "    print(text.upper() if loud else text)",
      "",
    ].join("\n"),
  );
  const { interact, output } = await runInteract(page, path, "controls");
  await expect(output).toHaveText("3^2 = 9 in red");

  const slider = interact.getByRole("slider", { name: "n" });
  await slider.focus();
  await page.keyboard.press("ArrowRight");
  await expect(output).toHaveText("4^2 = 16 in red");
  await expect(interact.locator("output")).toHaveText("4");
  // A quick run of key presses: updates coalesce, and the last value wins.
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
  await expect(output).toHaveText("9^2 = 81 in red");

  await interact.getByLabel("power").selectOption("cube");
  await expect(output).toHaveText("9^3 = 729 in red");
  // Three values or fewer become a bar of buttons (as in Sage).
  await interact.getByRole("button", { name: "blue" }).click();
  await expect(output).toHaveText("9^3 = 729 in blue");
  await expect(interact.getByRole("button", { name: "blue" })).toHaveAttribute("aria-pressed", "true");
  await interact.getByRole("checkbox", { name: "loud" }).check();
  await expect(output).toHaveText("9^3 = 729 IN BLUE");
  await page.screenshot({ path: "test-results/e2e/interact-controls.png", fullPage: true });
});

test("an input grid edits a matrix", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  const { path } = await publish(
    page.request,
    "Determinant",
    "import numpy as np\n\n@interact\ndef det(A=input_grid(2, 2, default=[[1, 2], [3, 4]], label='A')):\n    print('det =', round(float(np.linalg.det(np.array(A, dtype=float))), 6))\n",
  );
  const { interact, output } = await runInteract(page, path, "det");
  await expect(output).toHaveText("det = -2.0");
  const cell = interact.getByRole("textbox", { name: "A, row 2, column 2" });
  await cell.fill("10");
  await cell.press("Enter");
  await expect(output).toHaveText("det = 4.0");
});

test("a nested interact appears inside its parent; an error shows in place and the controls stay usable", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  const { path } = await publish(
    page.request,
    "Nested",
    [
      "@interact",
      "def outer(k=selector([1, 2, 3], default=2, label='sliders', buttons=True)):",
      "    print('outer with', k)",
      "    @interact(controls=[(f'c{i}', slider(0, 4, 1, default=1)) for i in range(k)])",
      "    def inner(**c):",
      "        print('reciprocal sum', sum(1 / v for v in c.values()))",
      "",
    ].join("\n"),
  );
  const { output } = await runInteract(page, path, "outer");
  const inner = output.getByRole("region", { name: "Interact inner" });
  const innerOutput = inner.getByRole("region", { name: "Output of inner" });
  await expect(innerOutput).toHaveText("reciprocal sum 2.0");
  await expect(inner.getByRole("slider")).toHaveCount(2);

  // The outer control decides how many inner sliders there are.
  await page.getByRole("region", { name: "Interact outer" }).getByRole("button", { name: "3", exact: true }).click();
  await expect(page.getByRole("region", { name: "Interact inner" }).getByRole("slider")).toHaveCount(3);
  await expect(page.getByRole("region", { name: "Output of inner" })).toHaveText("reciprocal sum 3.0");

  // c0 = 0: a ZeroDivisionError in the inner function, shown in its own area.
  const c0 = page.getByRole("region", { name: "Interact inner" }).getByRole("slider", { name: "c0" });
  await c0.focus();
  await page.keyboard.press("ArrowLeft");
  const error = page.getByRole("region", { name: "Output of inner" }).getByRole("alert");
  await expect(error).toContainText("ZeroDivisionError");
  await expect(error).toContainText("sum(1 / v for v in c.values())");
  await expect(page.getByRole("region", { name: "Output of outer" })).toContainText("outer with 3");
  // Still usable: the next value runs again.
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("region", { name: "Output of inner" })).toHaveText("reciprocal sum 2.5");
  await page.screenshot({ path: "test-results/e2e/interact-nested.png", fullPage: true });
});

test("auto_update=False runs only when Update is pressed", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  const { path } = await publish(
    page.request,
    "Update button",
    "@interact(auto_update=False)\ndef slow(n=slider(1, 5, 1, default=2)):\n    print('ran with', n)\n",
  );
  const { interact, output } = await runInteract(page, path, "slow");
  await expect(output).toHaveText("ran with 2");
  await interact.getByRole("slider", { name: "n" }).focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect(interact.locator("output")).toHaveText("4");
  // Nothing is sent until Update: give a stray update time to arrive before looking.
  await page.waitForTimeout(1000);
  await expect(output).toHaveText("ran with 2");
  await interact.getByRole("button", { name: "Update" }).click();
  await expect(output).toHaveText("ran with 4");
});

test("a link with values reopens the page, runs it and sets the controls", async ({ page, context, user: _signedIn }) => {
  test.setTimeout(60_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { path, head } = await publish(
    page.request,
    "Permalink values",
    "@interact\ndef power(n=slider(1, 10, 1, default=2), e=input_box(2, label='exponent')):\n    print(f'{n}^{e} = {n ** e}')\n",
  );
  const { interact, output } = await runInteract(page, path, "power");
  await expect(output).toHaveText("2^2 = 4");
  await interact.getByRole("slider", { name: "n" }).focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
  const exponent = interact.getByRole("textbox", { name: "exponent" });
  await exponent.fill("3");
  await exponent.press("Enter");
  await expect(output).toHaveText("7^3 = 343");

  await interact.getByRole("button", { name: "Link to these values" }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  const url = new URL(link);
  // The link pins the revision: it keeps working after the snippet changes.
  expect(url.pathname).toBe(`${path}/rev/${head}`);
  expect(url.searchParams.get("values")).not.toBeNull();

  const reader = await context.newPage();
  await reader.goto(url.pathname + url.search);
  const reopened = reader.getByRole("region", { name: "Interact power" });
  await expect(reader.getByRole("region", { name: "Output of power" })).toHaveText("7^3 = 343", { timeout: 30_000 });
  await expect(reopened.getByRole("slider", { name: "n" })).toHaveValue("7");
  await expect(reopened.getByRole("textbox", { name: "exponent" })).toHaveValue("3");
  await reader.close();
});
