/**
 * The core flow of issue 2 in a real browser: sign up (typed), publish a two-file snippet,
 * read it highlighted, edit it, see two revisions and their diff, open the old permalink,
 * fetch a raw file and the ZIP, and have a second user fork it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "@playwright/test";
import { createSnippet, expect, newCredentials, signedInContext, signIn, signUp, test } from "./fixtures";

/** Types into the CodeMirror editor of the file at `index` (0-based), replacing its text. */
async function typeInEditor(page: Page, index: number, text: string): Promise<void> {
  const editor = page.locator(".snippet-editor fieldset").nth(index).locator(".cm-content");
  await editor.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  // Typed line by line with Enter so CodeMirror's auto-indent sees what a person would do.
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    await page.keyboard.type(line);
    if (i < lines.length - 1) {
      await page.keyboard.press("Enter");
      // Undo auto-indentation: these lines start at column 0.
      await page.keyboard.press("Shift+Home");
      await page.keyboard.press("Delete");
    }
  }
}

test("publish, edit, history, permalink, raw, ZIP and fork", async ({ page, browser, baseURL }) => {
  // The whole life of a snippet in one test: many page loads, longer than the default 30 s on a busy machine.
  test.setTimeout(90_000);
  // Sign up by typing, as a person would; the other tests sign in through the API.
  const { username, password } = newCredentials("flow");
  await page.goto("/signup");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("banner")).toContainText(username);

  // Publish a two-file snippet.
  await page.goto("/new");
  await page.getByLabel("Title", { exact: true }).fill("Newton's method");
  await page.getByLabel(/Description/).fill("Square roots by **Newton's method**.");
  await page.getByLabel(/Tags/).fill("numerics/root-finding, calculus");
  await page.getByLabel(/Tags/).press("Escape"); // close the tag suggestions before the editor below
  await typeInEditor(page, 0, "from helpers import newton\nprint(newton(2.0))");
  await page.getByRole("button", { name: "+ Add file" }).click();
  await page.getByLabel("File name").nth(1).fill("helpers.py");
  await typeInEditor(page, 1, "def newton(a):\n    x = a\n    for _ in range(20):\n        x = (x + a / x) / 2\n    return x");
  await page.getByRole("button", { name: "Publish snippet" }).click();

  await expect(page).toHaveURL(new RegExp(`/${username}/newtons-method$`));
  const snippetUrl = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Newton's method");
  await expect(page.locator("strong", { hasText: "Newton's method" })).toBeVisible(); // the blurb's markdown
  const main = page.getByRole("region", { name: "main.py" });
  const helpers = page.getByRole("region", { name: "helpers.py" });
  await expect(main).toContainText("from helpers import newton");
  await expect(helpers).toContainText("x = (x + a / x) / 2");
  // Highlighted on the server: keywords are coloured spans.
  await expect(helpers.locator(".code-file span[class^='s']").first()).toBeVisible();
  const firstRevisionLink = await page.locator(".rev-id a").getAttribute("href");
  expect(firstRevisionLink).toMatch(/\/rev\/[0-9a-f]{40}$/);

  // Edit main.py: a second revision.
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit snippet" })).toBeVisible();
  await typeInEditor(page, 0, "from helpers import newton\nprint(newton(10.0))");
  await page.getByLabel("What changed?").fill("Square root of ten");
  await page.getByRole("button", { name: "Save revision" }).click();
  await expect(page).toHaveURL(new RegExp(`${snippetUrl}$`));
  await expect(page.getByRole("region", { name: "main.py" })).toContainText("print(newton(10.0))");

  // History: two revisions, and the change between them.
  await page.getByRole("link", { name: /^History/ }).click();
  await expect(page.getByRole("heading", { name: "2 revisions" })).toBeVisible();
  const revisions = page.locator("ol.revisions > li");
  await expect(revisions).toHaveCount(2);
  await expect(revisions.first()).toContainText("Square root of ten");
  const latestDiff = revisions.first().locator("details");
  await expect(latestDiff).toContainText("print(newton(2.0))");
  await expect(latestDiff).toContainText("print(newton(10.0))");

  // Compare any two: first against latest.
  await page.getByRole("button", { name: "Compare" }).click();
  await expect(page.locator(".compare-result")).toContainText("print(newton(10.0))");

  // The old permalink still shows the old content.
  await page.goto(firstRevisionLink!);
  await expect(page.getByRole("region", { name: "main.py" })).toContainText("print(newton(2.0))");
  await expect(page.getByRole("status")).toContainText("older revision");

  // Raw: plain text, never sniffed into HTML.
  const raw = await page.request.get(`${snippetUrl}/raw/HEAD/helpers.py`);
  expect(raw.status()).toBe(200);
  expect(raw.headers()["content-type"]).toContain("text/plain");
  expect(raw.headers()["x-content-type-options"]).toBe("nosniff");
  expect(await raw.text()).toContain("def newton(a):");

  // ZIP of the latest revision, downloaded by clicking.
  await page.goto(snippetUrl);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download ZIP" }).click()]);
  const zipPath = path.join(mkdtempSync(path.join(tmpdir(), "cellar-zip-")), download.suggestedFilename());
  await download.saveAs(zipPath);
  const listing = execFileSync(
    "/usr/bin/python3",
    ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [print(n, len(z.read(n))) for n in z.namelist()]", zipPath],
    {
      encoding: "utf8",
    },
  );
  expect(listing).toMatch(/main\.py \d+/);
  expect(listing).toMatch(/helpers\.py \d+/);
  expect(readFileSync(zipPath).subarray(0, 2).toString()).toBe("PK");

  // A second user forks it.
  const bob = await signedInContext(browser, baseURL, "fork");
  await bob.page.goto(snippetUrl);
  await expect(bob.page.getByRole("link", { name: "Edit" })).toHaveCount(0);
  await bob.page.getByRole("button", { name: "Fork" }).click();
  await expect(bob.page).toHaveURL(new RegExp(`/${bob.username}/newtons-method$`));
  await expect(bob.page.locator(".credits")).toContainText(`forked from ${username}/newtons-method`);
  await expect(bob.page.getByRole("region", { name: "main.py" })).toContainText("print(newton(10.0))");

  // The forks page of the original shows the fork.
  await page.goto(`${snippetUrl}/forks`);
  await expect(page.getByRole("heading", { name: "1 fork" })).toBeVisible();
  await expect(page.getByRole("link", { name: `${bob.username}/newtons-method` })).toBeVisible();
  await bob.context.close();
});

test("reading works with JavaScript off", async ({ browser, playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  const author = newCredentials("nojs");
  await signUp(api, author);
  await signIn(api, author);
  const { slug, head } = await createSnippet(api, {
    title: "Readable without script",
    files: [
      { path: "main.py", content: "print('no js needed')\n" },
      { path: "notes 100%.txt", content: "odd names work\n" },
    ],
  });

  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`/${author.username}`);
  await page.getByRole("link", { name: "Readable without script" }).click();
  await expect(page.getByRole("region", { name: "main.py" })).toContainText("print('no js needed')");
  // A file name with a space and a "%" survives the trip through its Raw link.
  const rawHref = await page.getByRole("region", { name: "notes 100%.txt" }).getByRole("link", { name: "Raw" }).getAttribute("href");
  const raw = await page.request.get(rawHref!);
  expect(raw.status()).toBe(200);
  expect(await raw.text()).toBe("odd names work\n");
  await page.getByRole("link", { name: /^History/ }).click();
  await expect(page.getByRole("heading", { name: "1 revision" })).toBeVisible();

  // The page is cached for everyone; a revision made through the API replaces it at once.
  const patched = await api.patch(`/api/v1/snippets/${author.username}/${slug}`, {
    data: { base: head, message: "Louder", files: [{ path: "main.py", content: "print('STILL no js needed')\n" }] },
  });
  expect(patched.status(), await patched.text()).toBe(200);
  await page.goto(`/${author.username}/${slug}`);
  await expect(page.getByRole("region", { name: "main.py" })).toContainText("print('STILL no js needed')");
  await api.dispose();
  await context.close();
});
