/**
 * The sanitiser end to end: a list of XSS payloads put in every place a user writes text that
 * the snippet page shows — comments (on the snippet and on a line), the title, the blurb (with
 * math), tags and file names — and a real browser that must show them as text and run nothing.
 */
import { expect, test } from "./fixtures";
import { watchForScript } from "./support/watch-for-script";

/** Each tries to run `alert('PWNED …')` or to load something it should not. */
const PAYLOADS = [
  `<script>alert('PWNED script')</script>`,
  `<img src=x onerror="alert('PWNED img')">`,
  `<svg onload="alert('PWNED svg')"></svg>`,
  `<iframe src="javascript:alert('PWNED iframe')"></iframe>`,
  `[link](javascript:alert('PWNED link'))`,
  `[entity](&#106;avascript:alert('PWNED entity'))`,
  `<a href="JaVaScRiPt:alert('PWNED a')">a</a>`,
  `![img](javascript:alert('PWNED md img'))`,
  `![http image](http://127.0.0.1:9/pixel.png)`,
  `[x](https://example.com/"onmouseover="alert('PWNED quote'))`,
  `<details open ontoggle="alert('PWNED toggle')">`,
  `$\\href{javascript:alert('PWNED href')}{math link}$`,
  `$\\htmlStyle{position:fixed;inset:0}{cover}$ $\\includegraphics{http://127.0.0.1:9/p.png}$`,
  `$$\n</span><img src=x onerror="alert('PWNED display')">\n$$`,
  `"><script>alert('PWNED attr')</script>`,
  `</textarea><script>alert('PWNED textarea')</script>`,
];

test("XSS payloads in comments, titles, blurbs, tags and file names show as text and run nothing", async ({ page, user }) => {
  const ran = watchForScript(page);
  const all = PAYLOADS.join("\n\n");

  // Tags are paths of [a-z0-9+#.-]: a payload is refused whole, with a message, not stored mangled.
  for (const tag of PAYLOADS.slice(0, 4)) {
    const refused = await page.request.post("/api/v1/snippets", { data: { title: "t", tags: [tag], files: [{ path: "a.py", content: "1\n" }] } });
    expect(refused.status(), tag).toBe(422);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/tag/i);
  }

  const created = await page.request.post("/api/v1/snippets", {
    data: {
      title: PAYLOADS[1],
      description: `Blurb with math $e^{i\\pi} = -1$.\n\n${all}`,
      tags: ["xss", "c++", "c#"],
      files: [
        { path: `"><img src=x onerror=alert('PWNED file')>.py`, content: "print(1)\nprint(2)\n" },
        { path: `<svg onload=alert('PWNED path')>/x.py`, content: "x = 1\n" },
      ],
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { slug, head } = (await created.json()) as { slug: string; head: string };
  const api = `/api/v1/snippets/${user.username}/${slug}/comments`;
  // Four payloads a comment: a user may write 10 comments a minute.
  const chunks = [0, 4, 8, 12].map((i) => PAYLOADS.slice(i, i + 4).join("\n\n"));
  for (const chunk of chunks) {
    const posted = await page.request.post(api, { data: { body: chunk } });
    expect(posted.status(), `${chunk}: ${await posted.text()}`).toBe(201);
  }
  const onLine = await page.request.post(api, { data: { body: all, rev: head, path: `"><img src=x onerror=alert('PWNED file')>.py`, line: 2 } });
  expect(onLine.status(), await onLine.text()).toBe(201);
  const edited = await page.request.patch(`${api}/${((await onLine.json()) as { id: string }).id}`, { data: { body: `${all}\n\nedited` } });
  expect(edited.status()).toBe(200);

  await page.goto(`/${user.username}/${slug}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(PAYLOADS[1] ?? "");
  // The blurb's math is typeset; its payloads are text.
  await expect(page.locator(".snippet > .prose .katex").first()).toBeVisible();
  await expect(page.locator(".snippet > .prose")).toContainText("<script>alert('PWNED script')</script>");
  const comments = page.getByRole("region", { name: "Comments" });
  await expect(comments.getByRole("article")).toHaveCount(chunks.length);
  await expect(comments).toContainText(`<img src=x onerror="alert('PWNED img')">`);
  const thread = page.locator("tr.line-comments");
  await expect(thread).toContainText("edited");
  await expect(thread).toContainText(`</textarea><script>alert('PWNED textarea')</script>`);
  await expect(page.locator(".file__path", { hasText: "onerror" })).toBeVisible();

  // Nothing a payload could have made: no script, frame, handler, javascript: URL or foreign image.
  const found = await page.evaluate(() => {
    const bad: string[] = [];
    for (const el of document.querySelectorAll(".snippet *")) {
      const tag = el.tagName.toLowerCase();
      if (["script", "iframe", "object", "embed", "details"].includes(tag)) bad.push(`<${tag}>`);
      for (const a of el.attributes) {
        if (a.name.startsWith("on")) bad.push(`${tag}[${a.name}]`);
        if ((a.name === "href" || a.name === "src") && /^\s*(javascript|data|vbscript):/i.test(a.value)) bad.push(`${tag}[${a.name}=${a.value}]`);
      }
      if (tag === "img" && !/^https:|^\//.test(el.getAttribute("src") ?? "")) bad.push(`img ${el.getAttribute("src")}`);
      if (getComputedStyle(el).position === "fixed") bad.push(`fixed ${tag}`);
    }
    return bad;
  });
  expect(found).toEqual([]);
  await page.waitForLoadState("networkidle");
  expect(ran).toEqual([]);
});
