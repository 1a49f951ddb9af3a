/**
 * Whatever users write is shown, never run: titles, descriptions, tags, file names and file
 * contents with script in them, and raw HTML or SVG files opened on our origin.
 */
import { expect, test } from "./fixtures";
import { watchForScript } from "./support/watch-for-script";

test("script in a title, description, tag, file name or file is shown as text", async ({ page, user }) => {
  const ran = watchForScript(page);
  const created = await page.request.post("/api/v1/snippets", {
    data: {
      title: `<img src=x onerror="alert('PWNED title')">`,
      description: `<script>alert('PWNED blurb')</script>\n\n[click](javascript:alert('PWNED'))\n\n<svg onload="alert('PWNED svg')">`,
      tags: ["xss"],
      files: [
        { path: `"><img src=x onerror=alert('PWNED')>.py`, content: "print('</script><script>alert(\"PWNED code\")</script>')\n" },
        { path: "page.html", content: "<script>alert('PWNED html')</script>\n" },
      ],
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { slug } = (await created.json()) as { slug: string };

  await page.goto(`/${user.username}/${slug}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`<img src=x onerror="alert('PWNED title')">`);
  await expect(page.locator(".prose")).toContainText("<script>alert('PWNED blurb')</script>");
  await expect(page.locator(".prose a[href^='javascript']")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "page.html" })).toContainText("<script>alert('PWNED html')</script>");
  await expect(page.locator(".file__path", { hasText: "onerror" })).toBeVisible();
  // Give any injected handler its chance (image errors, hydration).
  await page.waitForLoadState("networkidle");
  expect(ran).toEqual([]);
});

test("raw HTML and SVG files never run script on our origin", async ({ page, user }) => {
  const ran = watchForScript(page);
  const created = await page.request.post("/api/v1/snippets", {
    data: {
      title: "Raw files",
      files: [
        { path: "evil.html", content: "<html><body><script>document.title='PWNED';alert('PWNED raw html')</script><h1>hi</h1></body></html>\n" },
        {
          path: "evil.svg",
          content: `<svg xmlns="http://www.w3.org/2000/svg" onload="alert('PWNED svg onload')"><script>alert('PWNED svg script')</script><circle r="5"/></svg>\n`,
        },
      ],
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { slug } = (await created.json()) as { slug: string };

  const html = await page.goto(`/${user.username}/${slug}/raw/HEAD/evil.html`);
  expect(html?.headers()["content-type"]).toContain("text/plain");
  expect(html?.headers()["x-content-type-options"]).toBe("nosniff");
  await expect(page.locator("body")).toContainText("<script>");

  const svg = await page.goto(`/${user.username}/${slug}/raw/HEAD/evil.svg`);
  expect(svg?.headers()["content-type"]).toBe("image/svg+xml");
  expect(svg?.headers()["content-security-policy"]).toContain("sandbox");
  await page.waitForTimeout(500);
  expect(await page.title()).not.toBe("PWNED");
  expect(ran).toEqual([]);

  // On the snippet page the SVG is an <img>, where script never runs either.
  await page.goto(`/${user.username}/${slug}`);
  await expect(page.getByRole("region", { name: "evil.svg" }).locator("img")).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(ran).toEqual([]);
});
