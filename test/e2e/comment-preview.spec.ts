/**
 * The comment form's Write / Preview tabs in a real browser: math typeset by the server's
 * renderer, hostile HTML shown as text and never live, the text kept when going back to Write,
 * the keyboard moving between the tabs; on a line and while editing; errors shown in the
 * preview; and POST /api/v1/markdown's refusals as a client sees them.
 */
import type { Page } from "@playwright/test";
import { createSnippet, expect, test } from "./fixtures";
import { watchForScript } from "./support/watch-for-script";

/** A snippet of the signed-in user's; its page's path. */
async function newSnippet(page: Page): Promise<string> {
  return (await createSnippet(page.request, { title: "Integrals", files: [{ path: "main.py", content: "x = 1\ny = 2\nprint(x + y)\n" }] })).path;
}

const TEXT = "Area under $y = x$: $\\int_0^1 x\\,dx$\n\n<img src=x onerror=alert(1)>";

test("Preview shows the comment as posted: math typeset, HTML as text; Write keeps the text; then it posts", async ({ page, user }) => {
  const ran = watchForScript(page);
  const path = await newSnippet(page);
  await page.goto(path);
  const comments = page.getByRole("region", { name: "Comments" });
  await expect(comments).toContainText("No comments on the snippet yet");

  const write = comments.getByRole("tab", { name: "Write" });
  const previewTab = comments.getByRole("tab", { name: "Preview" });
  const box = comments.getByRole("textbox", { name: "Comment on this snippet" });
  await expect(write).toHaveAttribute("aria-selected", "true");

  // Nothing written, nothing to preview.
  await previewTab.click();
  await expect(comments.getByRole("tabpanel", { name: "Preview" })).toHaveText("Nothing to preview");
  await write.click();
  await expect(box).toBeFocused();

  await box.fill(TEXT);
  await previewTab.click();
  await expect(previewTab).toHaveAttribute("aria-selected", "true");
  await expect(write).toHaveAttribute("aria-selected", "false");
  await expect(box).toBeHidden();
  const panel = comments.getByRole("tabpanel", { name: "Preview" });
  // KaTeX's output, in the classes a posted comment uses (so its stylesheet applies).
  const body = panel.locator(".prose.comment__body");
  await expect(body.locator(".katex")).toHaveCount(2);
  await expect(body.locator(".katex-html").nth(1)).toBeVisible();
  await expect(body.locator("annotation").nth(1)).toHaveText("\\int_0^1 x\\,dx");
  // The img is text, not an element; nothing anywhere carries a handler.
  await expect(body).toContainText("<img src=x onerror=alert(1)>");
  await expect(panel.locator("img")).toHaveCount(0);
  await expect(page.locator("[onerror]")).toHaveCount(0);

  // The keyboard: Left goes back to Write with the text intact, Right to Preview again.
  await previewTab.focus();
  await page.keyboard.press("ArrowLeft");
  await expect(write).toBeFocused();
  await expect(write).toHaveAttribute("aria-selected", "true");
  await expect(box).toBeVisible();
  await expect(box).toHaveValue(TEXT);
  await page.keyboard.press("End");
  await expect(previewTab).toBeFocused();
  await expect(body.locator(".katex")).toHaveCount(2);
  await page.keyboard.press("Home");
  await expect(box).toHaveValue(TEXT);

  // Changed text is previewed afresh.
  await box.fill(`${TEXT}\n\n**Done.**`);
  await previewTab.click();
  await expect(body.locator("strong")).toHaveText("Done.");

  // Posted from the Preview tab: shown like its preview, and the form is empty and back on Write.
  await comments.getByRole("button", { name: "Comment", exact: true }).click();
  const posted = comments.getByRole("article", { name: `Comment by ${user.username}` });
  await expect(posted.locator(".katex")).toHaveCount(2);
  await expect(posted).toContainText("<img src=x onerror=alert(1)>");
  await expect(posted.locator("img")).toHaveCount(0);
  await expect(write).toHaveAttribute("aria-selected", "true");
  await expect(box).toHaveValue("");
  await page.reload();
  await expect(comments.getByRole("article", { name: `Comment by ${user.username}` }).locator(".katex")).toHaveCount(2);
  expect(ran).toEqual([]);
});

test("Preview on a line comment and while editing", async ({ page, user: _signedIn }) => {
  const ran = watchForScript(page);
  const path = await newSnippet(page);
  await page.goto(path);

  await page.locator("#file-main-py-L2").hover();
  await page.getByRole("button", { name: "Comment on line 2 of main.py" }).click();
  const thread = page.locator("#file-main-py-L2 + tr.line-comments");
  await thread.getByRole("textbox", { name: "Comment on line 2 of main.py" }).fill("Why $y = 2$?");
  await thread.getByRole("tab", { name: "Preview" }).click();
  await expect(thread.getByRole("tabpanel", { name: "Preview" }).locator(".katex")).toBeVisible();
  await thread.getByRole("button", { name: "Comment", exact: true }).click();
  const comment = thread.getByRole("article");
  await expect(comment.locator(".katex")).toBeVisible();

  await comment.getByRole("button", { name: "Edit" }).click();
  const box = comment.getByRole("textbox", { name: "Edit your comment" });
  await expect(box).toHaveValue("Why $y = 2$?");
  await box.fill("Why $y = \\sqrt{4}$?");
  await comment.getByRole("tab", { name: "Preview" }).click();
  await expect(comment.getByRole("tabpanel", { name: "Preview" }).locator("annotation")).toHaveText("y = \\sqrt{4}");
  await comment.getByRole("tab", { name: "Write" }).click();
  await expect(box).toHaveValue("Why $y = \\sqrt{4}$?");
  await comment.getByRole("button", { name: "Save" }).click();
  await expect(comment.locator("annotation")).toHaveText("y = \\sqrt{4}");
  await expect(comment).toContainText("edited");

  // Escape cancels an edit from the Preview tab too, leaving the saved text.
  await comment.getByRole("button", { name: "Edit" }).click();
  await box.fill("Not saved");
  await comment.getByRole("tab", { name: "Preview" }).click();
  await expect(comment.getByRole("tabpanel", { name: "Preview" })).toContainText("Not saved");
  await page.keyboard.press("Escape");
  await expect(comment.getByRole("textbox", { name: "Edit your comment" })).toHaveCount(0);
  await expect(comment.locator("annotation")).toHaveText("y = \\sqrt{4}");
  expect(ran).toEqual([]);
});

test("a preview that fails says why in the panel, and Write still has the text", async ({ page, user: _signedIn }) => {
  const path = await newSnippet(page);
  await page.goto(path);
  const comments = page.getByRole("region", { name: "Comments" });
  const box = comments.getByRole("textbox", { name: "Comment on this snippet" });
  await box.fill("Still $x$ here");
  // The session ends (signed out in another tab, or expired) while the page is open.
  await page.context().clearCookies();
  await comments.getByRole("tab", { name: "Preview" }).click();
  await expect(comments.getByRole("tabpanel", { name: "Preview" }).getByRole("alert")).toHaveText("Sign in to preview a comment.");
  await comments.getByRole("tab", { name: "Write" }).click();
  await expect(box).toHaveValue("Still $x$ here");
});

test("POST /api/v1/markdown: HTML for the signed-in, 401 signed out, 422 too long, 413 too big", async ({ page, user, browser, baseURL }) => {
  expect(user.username).toBeTruthy(); // signed in: `page.request` carries the session
  const ok = await page.request.post("/api/v1/markdown", { data: { text: "$\\int_0^1 x\\,dx$ <script>alert(1)</script>" } });
  expect(ok.status()).toBe(200);
  const { html } = (await ok.json()) as { html: string };
  expect(html).toContain('<span class="katex">');
  expect(html).toContain("&lt;script&gt;");
  expect(html).not.toContain("<script");

  const errorOf = async (response: { status(): number; json(): Promise<unknown> }) => {
    const body = (await response.json()) as { error: { code: string; message: string } };
    return [response.status(), body.error.code, body.error.message];
  };
  expect(await errorOf(await page.request.post("/api/v1/markdown", { data: { text: "x".repeat(10_001) } }))).toEqual([
    422,
    "INVALID",
    "A comment must be at most 10,000 characters.",
  ]);
  expect(await errorOf(await page.request.post("/api/v1/markdown", { data: { text: "x".repeat(70_000) } }))).toEqual([
    413,
    "TOO_LARGE",
    "The request body is larger than 64 KB.",
  ]);

  const context = await browser.newContext({ baseURL });
  expect(await errorOf(await context.request.post("/api/v1/markdown", { data: { text: "$x$" } }))).toEqual([
    401,
    "UNAUTHORIZED",
    "Sign in to preview a comment.",
  ]);
  await context.close();
});
