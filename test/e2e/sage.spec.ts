/**
 * Sage in the browser, as a reader of the example library meets it: a seeded Sage interact runs,
 * its slider redraws the plot; a Sage 3D plot opens in the viewer and turns when dragged; Sage's
 * typeset output is rendered by KaTeX. Screenshots go to test-results/e2e/sage-*.png.
 */
import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { sageInstalled } from "@/lib/exec/kernels";
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";
import { changedPicture, colouredShare, settledPicture } from "./support/pictures";

test.skip(!sageInstalled(), "SageMath is not installed (CELLAR_SAGE=0): the sage kernel is unavailable");
test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

/** Publishes a one-file Sage snippet, opens it and presses Run; returns the Run panel. */
async function runSage(page: Page, title: string, code: string) {
  const { path } = await createSnippet(page.request, { title, files: [{ path: "main.sage", content: code }] });
  await page.goto(path);
  await expect(page.locator(".run-kernel")).toHaveText("Runs in SageMath");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  return page.getByRole("region", { name: "Run output" });
}

test("a seeded Sage interact runs, and moving its slider redraws the plot", async ({ page, user: _signedIn }) => {
  test.setTimeout(120_000);
  // The example the seed publishes, as it is in examples/.
  const example = new URL("../../examples/sage-taylor-polynomials/", import.meta.url);
  const code = readFileSync(new URL("files/main.sage", example), "utf8");
  const { title } = JSON.parse(readFileSync(new URL("snippet.json", example), "utf8")) as { title: string };
  await runSage(page, title, code);
  const interact = page.getByRole("region", { name: "Interact taylor_polynomials" });
  const output = page.getByRole("region", { name: "Output of taylor_polynomials" });
  // The first run waits for the Sage zygote, which may still be starting.
  const plot = output.locator("img.run-image");
  await expect(plot).toBeVisible({ timeout: 60_000 });
  await expect(output.locator(".katex").first()).toContainText("T3(x)");
  const before = await plot.getAttribute("src");

  // The degree slider (the second), moved with the keyboard as a reader would.
  const degree = interact.getByRole("slider").nth(1);
  await degree.focus();
  await page.keyboard.press("ArrowRight");
  await expect(output.locator(".katex").first()).toContainText("T4(x)");
  await expect(plot).not.toHaveAttribute("src", before!);
  expect(await plot.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(300);
  await page.screenshot({ path: "test-results/e2e/sage-interact.png", fullPage: true });
});

test("a Sage 3D plot opens in the viewer and turns when dragged", async ({ page, user: _signedIn }) => {
  test.setTimeout(120_000);
  const panel = await runSage(page, "Saddle", "var('y')\nplot3d(x^2 - y^2, (x, -2, 2), (y, -2, 2), color='orange')\n");
  // The Sage zygote may still be starting, and three.js compiles its shaders in software.
  const view = panel.getByRole("application", { name: /^Graphics3d Object\. Drag/ });
  await expect(view.locator("canvas")).toBeVisible({ timeout: 60_000 });
  const first = await settledPicture(view);
  expect(await colouredShare(page, first)).toBeGreaterThan(0.02);
  await view.screenshot({ path: "test-results/e2e/sage-3d.png" });
  const box = (await view.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 150, box.y + box.height / 2 + 30, { steps: 8 });
  await page.mouse.up();
  await changedPicture(view, first);
});

test("show(), %display latex and the math in html() are typeset", async ({ page, user: _signedIn }) => {
  test.setTimeout(90_000);
  const panel = await runSage(
    page,
    "Typeset",
    "html(r'The area is $\\frac{\\pi}{4}$.')\nshow(integrate(1/(1 + x^2), x))\n%display latex\nmatrix(QQ, [[1, 1/2], [0, 1]])\n",
  );
  // KaTeX's HTML, not the LaTeX source: arctan as an operator name, a fraction in the matrix.
  await expect(panel.locator(".katex").first()).toContainText("arctan", { timeout: 60_000 });
  await expect(panel.locator(".katex .mfrac")).toHaveCount(1);
  await expect(panel).not.toContainText("\\newcommand");
  // html()'s $…$ (a MathJax script in Sage's HTML) is drawn as MathML in the sandboxed frame.
  const frame = panel.frameLocator("iframe.run-html");
  await expect(frame.locator("body")).toContainText("The area is");
  await expect(frame.locator("math mfrac")).toHaveCount(1);
});
