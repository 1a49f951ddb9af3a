/**
 * HTML output (display(HTML(...))) is someone's markup in a sandboxed frame on our page. It may
 * run script, but it cannot turn the frame into another page: whatever way it tries (a link,
 * a script setting location, a meta refresh), the frame is put back to its content with a note.
 * Another site is never even requested (the page's frame-src); our own pages refuse to be
 * framed (frame-ancestors).
 */
import type { Page } from "@playwright/test";
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";

test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

/** Publishes main.py printing `html` as HTML output, opens it, runs it; returns the output panel. */
async function runHtml(page: Page, title: string, html: string) {
  const { path } = await createSnippet(page.request, {
    title,
    files: [{ path: "main.py", content: `from cellar import HTML, display\ndisplay(HTML(${JSON.stringify(html)}))\n` }],
  });
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const panel = page.getByRole("region", { name: "Run output" });
  await expect(panel.getByRole("status")).toHaveText(/^Done in \d/, { timeout: 30_000 });
  return { panel, path };
}

/** Another origin (the discard port on loopback, where nothing listens). */
const ELSEWHERE = "http://127.0.0.1:9/frame-left";

/** Every URL `page` or its frames requested, to show the other site was never even asked. */
function requestedUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  return urls;
}

test("a link or a script that navigates the frame away puts the frame back, with a note", async ({ page, user: _signedIn, baseURL }) => {
  test.setTimeout(120_000);
  const urls = requestedUrls(page);
  const { panel, path } = await runHtml(
    page,
    "Frame that leaves",
    `<p id="content">The content</p><a id="link" href="${baseURL}/search?q=frame-left" target="_self">leave by link</a>` +
      `<button id="script" onclick="location.href='${ELSEWHERE}'">leave by script</button>`,
  );
  const frame = page.frameLocator("iframe.run-html");
  await expect(frame.locator("#content")).toHaveText("The content");
  await expect(panel.locator(".run-html-note")).toHaveCount(0);

  await frame.locator("#link").click();
  await expect(panel.locator(".run-html-note")).toHaveText("This HTML output tried to open another page; it was put back.");
  // Back to its content, still live.
  await expect(frame.locator("#content")).toHaveText("The content");

  await frame.locator("#script").click();
  await expect(frame.locator("#content")).toHaveText("The content");
  await expect(frame.locator("#script")).toBeVisible();

  expect(page.url()).toBe(`${baseURL}${path}`);
  expect(
    urls.filter((u) => u.startsWith(ELSEWHERE)),
    "the frame asked another site",
  ).toEqual([]);
  await expect(page.locator("iframe.run-html")).toHaveCount(1);
});

test("an output that keeps leaving (a meta refresh) is no longer shown", async ({ page, user: _signedIn }) => {
  test.setTimeout(120_000);
  const urls = requestedUrls(page);
  const { panel } = await runHtml(page, "Frame that refreshes", `<meta http-equiv="refresh" content="0; url=${ELSEWHERE}"><p>Refreshing</p>`);
  // Four rounds of load, refresh and reset: give a busy machine time for them.
  await expect(panel.locator(".run-html-note")).toHaveText("This HTML output kept trying to open another page, so it is not shown.", { timeout: 30_000 });
  await expect(panel.locator("iframe.run-html")).toHaveCount(0);
  expect(
    urls.filter((u) => u.startsWith(ELSEWHERE)),
    "the frame asked another site",
  ).toEqual([]);
});
