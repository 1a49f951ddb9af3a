/**
 * Press Run in a real browser against the real execution service: a plot appears, a cell runs
 * in the file's namespace with Shift+Enter, Stop interrupts a busy loop, LaTeX is typeset with
 * KaTeX, HTML output stays in a sandboxed frame, files the run wrote are listed and downloadable
 * (images inline), and Run again starts a fresh namespace. Screenshots at desktop and phone widths
 * go to test-results/e2e/run-*.png.
 */
import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";
import { typeCode } from "./support/type-code";

// Run needs the execution service that `npm start` starts beside the site.
test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

/** Types a cell into the Run panel's editor and runs it with Shift+Enter. */
async function runCell(page: Page, code: string): Promise<void> {
  await typeCode(page, page.locator(".run-cellbox .cm-content"), code);
  await page.keyboard.press("Shift+Enter");
}

// Tests take `user: _signedIn`: the fixture signs the page in (snippets are made through its session).
const status = (page: Page) => page.locator(".run-panel").getByRole("status");

test("Run a snippet that plots, then a cell in the file's namespace", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  const { path } = await createSnippet(page.request, {
    title: "A sine wave",
    files: [
      {
        path: "main.py",
        content: [
          "import numpy as np",
          "import matplotlib.pyplot as plt",
          "from helper import AMPLITUDE",
          "x = np.linspace(0, 2 * np.pi, 200)",
          "plt.plot(x, AMPLITUDE * np.sin(x))",
          "plt.title('sine')",
          "answer = 21",
          "print('plotted', len(x), 'points')",
          "",
        ].join("\n"),
      },
      { path: "helper.py", content: "AMPLITUDE = 2\n" },
    ],
  });
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).click();

  const panel = page.getByRole("region", { name: "Run output" });
  await expect(panel.locator(".run-out--stdout")).toHaveText("plotted 200 points\n");
  const figure = panel.locator("img.run-image").first();
  await expect(figure).toBeVisible();
  await expect(figure).toHaveAttribute("src", /^data:image\/png;base64,/);
  // A real picture, not a broken image.
  expect(await figure.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
  await expect(status(page)).toHaveText(/^Done in \d/);

  await runCell(page, "answer * 2");
  const result = panel.locator(".run-cell").nth(1);
  await expect(result.locator(".run-code")).toHaveText("answer * 2");
  await expect(result.locator(".run-result")).toContainText(/Out\[\d+\]:\s*42/);
  // The box is empty and ready for the next cell.
  await expect(page.locator(".run-cellbox .cm-content")).toHaveText("");

  await runCell(page, "print(undefined_name)");
  await expect(panel.locator(".run-cell").nth(2).locator(".run-out--error")).toContainText("NameError: name 'undefined_name' is not defined");

  await page.screenshot({ path: test.info().outputPath("run-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(figure).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "the page scrolls sideways on a phone").toBeLessThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath("run-phone.png"), fullPage: true });
});

test("Stop interrupts a busy loop and the session takes more cells", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  const { path } = await createSnippet(page.request, { title: "Counter", files: [{ path: "main.py", content: "count = 0\nprint('ready')\n" }] });
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const panel = page.getByRole("region", { name: "Run output" });
  await expect(panel.locator(".run-out--stdout")).toHaveText("ready\n");

  await runCell(page, "while True:\n    count += 1");
  await expect(status(page)).toHaveText("Running…");
  const stop = panel.getByRole("button", { name: /Stop/ });
  await stop.click();
  await expect(panel.locator(".run-cell").nth(1).locator(".run-out--error")).toContainText("KeyboardInterrupt");
  await expect(status(page)).toHaveText(/^Cell 2 stopped after \d/);
  await expect(stop).toBeHidden();

  await runCell(page, "count > 0");
  await expect(panel.locator(".run-cell").nth(2).locator(".run-result")).toContainText("True");
  await page.screenshot({ path: test.info().outputPath("run-stopped.png"), fullPage: true });
});

test("Files a run writes are listed, downloadable and shown inline; Run again starts afresh", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  const { path } = await createSnippet(page.request, {
    title: "Writes files",
    files: [
      {
        path: "main.py",
        content: [
          "import matplotlib.pyplot as plt",
          "open('out.txt', 'w').write('hi')",
          "plt.plot([1, 3, 2])",
          "plt.savefig('plot.png')",
          "plt.close()",
          "print('saved')",
          "",
        ].join("\n"),
      },
    ],
  });
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const panel = page.getByRole("region", { name: "Run output" });
  await expect(panel.locator(".run-out--stdout")).toHaveText("saved\n");
  // Closed before the end of the file: the only picture is the saved file, not a live figure.
  await expect(panel.locator(".run-cell img.run-image")).toHaveCount(0);

  const files = panel.locator(".run-files");
  await expect(files.getByRole("heading", { name: "Files this run wrote" })).toBeVisible();
  const text = files.getByRole("link", { name: "out.txt" });
  await expect(text).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), text.click()]);
  expect(download.suggestedFilename()).toBe("out.txt");
  expect(readFileSync(await download.path(), "utf8")).toBe("hi");

  await expect(files.getByRole("link", { name: "plot.png" })).toBeVisible();
  const inline = files.locator("img.run-image");
  await expect(inline).toHaveCount(1);
  await expect(inline).toHaveAttribute("alt", "plot.png");
  await inline.scrollIntoViewIfNeeded();
  // The saved PNG itself, loaded from the run's file URL: a real picture.
  await expect.poll(() => inline.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(100);
  const png = await page.request.get((await inline.getAttribute("src")) ?? "");
  expect(png.status()).toBe(200);
  expect([...(await png.body()).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

  // A cell of this run defines a variable and writes a file: both belong to this run only.
  await runCell(page, "kept = 7\nopen('notes.txt', 'w').write('cell')\nkept * 6");
  await expect(panel.locator(".run-cell").nth(1).locator(".run-result")).toContainText(/Out\[\d+\]:\s*42/);
  await expect(files.getByRole("link", { name: "notes.txt" })).toBeVisible();

  await page.getByRole("button", { name: "Run again" }).click();
  await expect(panel.locator(".run-out--stdout")).toHaveText("saved\n");
  await expect(status(page)).toHaveText(/^Done in \d/);
  await expect(panel.locator(".run-cell")).toHaveCount(1);
  await runCell(page, "kept");
  await expect(panel.locator(".run-cell").nth(1).locator(".run-out--error")).toContainText("NameError: name 'kept' is not defined");
  await expect(files.getByRole("link", { name: "out.txt" })).toBeVisible();
  await expect(files.getByRole("link", { name: "notes.txt" })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("run-files.png"), fullPage: true });
});

test("LaTeX is typeset with KaTeX and HTML stays in a sandboxed frame", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  const { path } = await createSnippet(page.request, {
    title: "Rich output",
    files: [
      {
        path: "main.py",
        content: [
          "from cellar import HTML, Latex, display",
          "display(Latex(r'$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$'))",
          "display(HTML(\"<p id='hello'>Hello <b>table</b></p><script>try { parent.document.title = 'owned' } catch (e) { document.getElementById('hello').dataset.blocked = 'yes' }</script>\"))",
          "",
        ].join("\n"),
      },
    ],
  });
  await page.goto(path);
  const pageTitle = await page.title();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const panel = page.getByRole("region", { name: "Run output" });

  const math = panel.locator(".run-latex .katex-display");
  await expect(math).toBeVisible();
  await expect(math.locator(".katex-mathml annotation")).toHaveText(/\\int_0\^1/);

  const frame = panel.locator("iframe.run-html");
  await expect(frame).toHaveAttribute("sandbox", "allow-scripts");
  await expect(page.frameLocator("iframe.run-html").locator("#hello")).toHaveText("Hello table");
  // The frame's script could not reach the page.
  await expect(page.frameLocator("iframe.run-html").locator("#hello")).toHaveAttribute("data-blocked", "yes");
  expect(await page.title()).toBe(pageTitle);
  await page.screenshot({ path: test.info().outputPath("run-rich.png"), fullPage: true });
});

test("With JavaScript off there is no Run button, and the page reads as before", async ({ browser, baseURL, page, user: _signedIn }) => {
  const { path } = await createSnippet(page.request, { title: "No script", files: [{ path: "main.py", content: "print('hi')\n" }] });
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const plain = await context.newPage();
  await plain.goto(path);
  await expect(plain.getByRole("region", { name: "main.py" })).toContainText("print('hi')");
  await expect(plain.getByRole("button", { name: /Run/ })).toHaveCount(0);
  await context.close();
  // With JavaScript, the same cached page has it.
  await page.goto(path);
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeVisible();
});
