/**
 * Comments in a real browser: on a line (shown under it, math typeset), then on the next
 * revision under the line's new number and marked "on an older revision" with a link back;
 * comments on the snippet appear at once on the cached page; authors edit and delete their
 * own, the snippet's owner deletes others', anyone else only reads.
 */
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import { expect, signIn, signUp, test, uniqueUsername } from "./fixtures";

const CODE = "import math\n\ndef area(r):\n    return math.pi * r ** 2\n\nprint(area(2))\n";

async function newSnippet(page: Page): Promise<{ slug: string; head: string }> {
  const created = await page.request.post("/api/v1/snippets", { data: { title: "Area of a disc", files: [{ path: "main.py", content: CODE }] } });
  expect(created.status(), await created.text()).toBe(201);
  return (await created.json()) as { slug: string; head: string };
}

/** A second signed-in person in their own browser context. */
async function otherUser(browser: Browser, baseURL: string | undefined): Promise<{ page: Page; username: string }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const user = { username: uniqueUsername("other"), password: `pw-${randomBytes(9).toString("hex")}` };
  await signUp(page.request, user);
  await signIn(page.request, user);
  return { page, username: user.username };
}

test("comment on a line, then see it on the next revision under its moved line, marked older", async ({ page, user }) => {
  const { slug, head } = await newSnippet(page);
  await page.goto(`/${user.username}/${slug}`);

  // The + shows on the line under the pointer.
  await page.locator("#file-main-py-L4").hover();
  await page.getByRole("button", { name: "Comment on line 4 of main.py" }).click();
  // The thread is the row right under line 4, with the math typeset.
  const thread = page.locator("#file-main-py-L4 + tr.line-comments");
  await thread.getByRole("textbox", { name: "Comment on line 4 of main.py" }).fill("Why not `r * r`? Same as $r^2$.");
  await thread.getByRole("button", { name: "Comment", exact: true }).click();
  await expect(thread.getByRole("article")).toContainText("Why not r * r?");
  await expect(thread.locator(".katex")).toBeVisible();
  await expect(thread).not.toContainText("older revision");

  // Still there after a reload of the cached page.
  await page.reload();
  await expect(page.locator("#file-main-py-L4 + tr.line-comments")).toContainText("Why not r * r?");

  // The owner adds two lines above: the comment's line is now line 6.
  const patched = await page.request.patch(`/api/v1/snippets/${user.username}/${slug}`, {
    data: { base: head, files: [{ path: "main.py", content: `"""Areas."""\n\n${CODE}` }], message: "Docstring" },
  });
  expect(patched.status(), await patched.text()).toBe(200);

  await page.goto(`/${user.username}/${slug}`);
  const moved = page.locator("#file-main-py-L6 + tr.line-comments");
  await expect(moved).toContainText("Why not r * r?");
  await expect(page.locator("#file-main-py-L4 + tr.line-comments")).toHaveCount(0);
  const older = moved.getByRole("link", { name: /on an older revision/ });
  await expect(older).toContainText(head.slice(0, 7));

  // The link opens the revision it was written on, where it sits on line 4 again, not "older".
  await older.click();
  await expect(page).toHaveURL(new RegExp(`/rev/${head}#file-main-py-L4$`));
  await expect(page.getByRole("status")).toContainText("older revision");
  const original = page.locator("#file-main-py-L4 + tr.line-comments");
  await expect(original).toContainText("Why not r * r?");
  await expect(original).not.toContainText("on an older revision");

  // Back (a client-side move between two tables with the same line ids): each keeps its own thread.
  await page.goBack();
  await expect(page.locator("#file-main-py-L6 + tr.line-comments")).toContainText("on an older revision");
  await expect(page.locator("tr.line-comments")).toHaveCount(1);
});

test("a comment whose line changed stays readable below the files", async ({ page, user }) => {
  const { slug, head } = await newSnippet(page);
  const posted = await page.request.post(`/api/v1/snippets/${user.username}/${slug}/comments`, {
    data: { body: "Prints 12.57", rev: head, path: "main.py", line: 6 },
  });
  expect(posted.status(), await posted.text()).toBe(201);
  await page.request.patch(`/api/v1/snippets/${user.username}/${slug}`, {
    data: { base: head, files: [{ path: "main.py", content: CODE.replace("area(2)", "area(3)") }] },
  });

  await page.goto(`/${user.username}/${slug}`);
  const comments = page.getByRole("region", { name: "Comments" });
  const comment = comments.getByRole("article", { name: `Comment by ${user.username}` });
  await expect(comment).toContainText("Prints 12.57");
  await expect(comment).toContainText("on line 6 of main.py");
  await expect(comment.getByRole("link", { name: /on an older revision/ })).toHaveAttribute("href", `/${user.username}/${slug}/rev/${head}#file-main-py-L6`);
  await expect(page.locator("tr.line-comments")).toHaveCount(0);
});

test("comments on the snippet: shown at once, edited and deleted by whom they may", async ({ page, user, browser, baseURL }) => {
  // Three people, each signing up and loading the page: more than the default 30 s on a busy machine.
  test.slow();
  const { slug } = await newSnippet(page);
  const bob = await otherUser(browser, baseURL);
  const carol = await otherUser(browser, baseURL);
  const url = `/${user.username}/${slug}`;

  // Bob comments; it appears without a reload, and survives one.
  await bob.page.goto(url);
  const bobs = bob.page.getByRole("region", { name: "Comments" });
  await expect(bobs).toContainText("No comments on the snippet yet");
  await bobs.getByRole("textbox", { name: "Comment on this snippet" }).fill("Nice: **short** and clear.");
  await bobs.getByRole("button", { name: "Comment", exact: true }).click();
  const mine = bobs.getByRole("article", { name: `Comment by ${bob.username}` });
  await expect(mine.locator("strong")).toHaveText("short");
  await bob.page.reload();
  await expect(mine).toContainText("Nice: short and clear.");

  // He edits it.
  await mine.getByRole("button", { name: "Edit" }).click();
  await mine.getByRole("textbox", { name: "Edit your comment" }).fill("Nice and clear.");
  await mine.getByRole("button", { name: "Save" }).click();
  await expect(mine).toContainText("Nice and clear.");
  await expect(mine).toContainText("edited");

  // Carol reads it and may do nothing with it.
  await carol.page.goto(url);
  const seenByCarol = carol.page.getByRole("region", { name: "Comments" }).getByRole("article", { name: `Comment by ${bob.username}` });
  await expect(seenByCarol).toContainText("Nice and clear.");
  await expect(seenByCarol.getByRole("button")).toHaveCount(0);

  // The owner may delete it, not edit it.
  await page.goto(url);
  const seenByOwner = page.getByRole("region", { name: "Comments" }).getByRole("article", { name: `Comment by ${bob.username}` });
  await expect(seenByOwner.getByRole("button", { name: "Edit" })).toHaveCount(0);
  page.once("dialog", (d) => void d.accept());
  await seenByOwner.getByRole("button", { name: "Delete" }).click();
  await expect(seenByOwner).toHaveCount(0);
  await carol.page.reload();
  await expect(carol.page.getByRole("region", { name: "Comments" })).toContainText("No comments on the snippet yet");
});

test("signed out, comments are read and the form asks to sign in", async ({ page, user, browser, baseURL }) => {
  const { slug } = await newSnippet(page);
  await page.request.post(`/api/v1/snippets/${user.username}/${slug}/comments`, { data: { body: "Readable by all" } });
  const context = await browser.newContext({ baseURL });
  const visitor = await context.newPage();
  await visitor.goto(`/${user.username}/${slug}`);
  const comments = visitor.getByRole("region", { name: "Comments" });
  await expect(comments).toContainText("Readable by all");
  await expect(comments.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(comments.getByRole("textbox")).toHaveCount(0);
  await context.close();
});

test("the comments API answers bad requests with a clear 4xx", async ({ page, user, browser, baseURL }) => {
  const { slug, head } = await newSnippet(page);
  const api = `/api/v1/snippets/${user.username}/${slug}/comments`;
  const errorOf = async (response: { status(): number; json(): Promise<unknown> }) => {
    const body = (await response.json()) as { error: { code: string; message: string } };
    return [response.status(), body.error.code, body.error.message] as const;
  };

  expect(await errorOf(await page.request.get(`${api}?page=0`))).toEqual([422, "INVALID", "page: page must be 1 or more."]);
  expect(await errorOf(await page.request.get(`${api}?on=everything`))).toEqual([422, "INVALID", 'on: on must be "all", "lines" or "snippet".']);
  expect((await errorOf(await page.request.get(`${api}?rev=${"0".repeat(40)}`)))[0]).toBe(404);
  expect((await errorOf(await page.request.post(api, { data: { body: "hi", line: 2 } })))[2]).toMatch(/both path and line/);
  expect((await errorOf(await page.request.post(api, { data: { body: "hi", colour: "red" } })))[0]).toBe(422);
  expect((await errorOf(await page.request.post(api, { data: Buffer.from("{not json"), headers: { "content-type": "application/json" } })))[0]).toBe(400);

  const posted = await page.request.post(api, { data: { body: "Mine", rev: head, path: "main.py", line: 1 } });
  expect(posted.status()).toBe(201);
  const comment = (await posted.json()) as { id: string; url: string; revision: string; currentLine: number };
  expect(comment).toMatchObject({ revision: "this", currentLine: 1, url: `${baseURL}/${user.username}/${slug}/rev/${head}#file-main-py-L1` });

  const context = await browser.newContext({ baseURL });
  const anonymous = context.request;
  expect((await errorOf(await anonymous.post(api, { data: { body: "hi" } })))[0]).toBe(401);
  expect((await errorOf(await anonymous.delete(`${api}/${comment.id}`)))[0]).toBe(401);
  const listed = (await (await anonymous.get(api)).json()) as { items: { id: string; canDelete: boolean }[]; hasNext: boolean };
  expect(listed).toMatchObject({ items: [{ id: comment.id, canDelete: false }], hasNext: false });
  await context.close();

  expect((await page.request.delete(`${api}/${comment.id}`)).status()).toBe(204);
  expect((await errorOf(await page.request.delete(`${api}/${comment.id}`)))[0]).toBe(404);
});
