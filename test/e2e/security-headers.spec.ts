/**
 * Security headers (proxy.ts, lib/http/security-headers.ts) on what the built site serves: pages,
 * API routes, raw files and ZIPs; HSTS only over HTTPS; the site's main pages load and run
 * with no Content-Security-Policy violation; and mixed-case owner/snippet URLs answer 308 to
 * the stored spelling.
 */
import type { APIResponse, Page } from "@playwright/test";
import { createSnippet, expect, test } from "./fixtures";
import { watchCspViolations } from "./support/csp-violations";
import { expectExecService } from "./support/exec-service";

/** The CSP of a response as directive → sources. */
function csp(response: APIResponse): Map<string, string> {
  const value = response.headers()["content-security-policy"] ?? "";
  return new Map(value.split(";").map((d) => d.trim().split(/\s+(.*)/s) as [string, string]));
}

function expectSiteHeaders(response: APIResponse, what: string): void {
  const headers = response.headers();
  expect(headers["x-content-type-options"], `nosniff on ${what}`).toBe("nosniff");
  expect(headers["referrer-policy"], `Referrer-Policy on ${what}`).toBe("strict-origin-when-cross-origin");
  expect(csp(response).get("frame-ancestors"), `frame-ancestors on ${what}`).toBe("'none'");
  // Served over http:// here.
  expect(headers["strict-transport-security"], `HSTS on ${what} over http`).toBeUndefined();
}

test("pages, API routes, raw files and ZIPs carry the security headers", async ({ page, user }) => {
  const { path, slug } = await createSnippet(page.request, {
    title: "Headers",
    files: [
      { path: "main.py", content: "print(1)\n" },
      { path: "page.html", content: "<script>alert('PWNED')</script>\n" },
    ],
  });

  const home = await page.request.get("/");
  expect(home.status()).toBe(200);
  expectSiteHeaders(home, "the home page");
  const scripts = csp(home).get("script-src") ?? "";
  // Our origin only (inline: Next's own bootstrap, see lib/http/security-headers.ts).
  expect(scripts).toBe("'self' 'unsafe-inline'");

  const snippetPage = await page.request.get(path);
  expect(snippetPage.status()).toBe(200);
  expectSiteHeaders(snippetPage, "a snippet page");

  const api = await page.request.get(`/api/v1/snippets/${user.username}/${slug}`);
  expect(api.status()).toBe(200);
  expectSiteHeaders(api, "an API route");
  const missing = await page.request.get(`/api/v1/snippets/${user.username}/no-such-snippet`);
  expect(missing.status()).toBe(404);
  expectSiteHeaders(missing, "an API error");

  // Raw files keep their own sandbox policy (and the site's is enforced beside it, if sent).
  for (const raw of [`${path}/raw/HEAD/page.html`, `/api/v1/snippets/${user.username}/${slug}/raw/page.html`]) {
    const response = await page.request.get(raw);
    expect(response.status(), raw).toBe(200);
    expect(response.headers()["content-type"], raw).toContain("text/plain");
    expect(response.headers()["x-content-type-options"], raw).toBe("nosniff");
    expect(response.headers()["content-security-policy"], raw).toMatch(/(^|;\s*)sandbox(;|,|$)/);
    expect(response.headers()["referrer-policy"], raw).toBeDefined();
  }

  const zip = await page.request.get(`${path}/archive/HEAD.zip`);
  expect(zip.status()).toBe(200);
  expect(zip.headers()["content-disposition"]).toMatch(/^attachment/);
  expectSiteHeaders(zip, "a ZIP");
});

test("HSTS is sent when a trusted proxy says the request came over HTTPS", async ({ request }) => {
  // The e2e site runs with TRUST_PROXY=1 (test/e2e/support/serve-fresh.ts).
  const response = await request.get("/", { headers: { "x-forwarded-proto": "https" } });
  expect(response.headers()["strict-transport-security"]).toMatch(/^max-age=\d+/);
  expect(csp(response).has("upgrade-insecure-requests")).toBe(true);
});

test("mixed-case owner and snippet URLs answer 308 to the stored spelling", async ({ page, user, baseURL }) => {
  const { path, slug } = await createSnippet(page.request, { title: "Case Study", files: [{ path: "Main.py", content: "print('case')\n" }] });
  const Owner = user.username.toUpperCase();
  const Slug = slug.charAt(0).toUpperCase() + slug.slice(1);
  const cases: [string, string][] = [
    [`/${Owner}/${Slug}`, path],
    [`/${Owner}`, `/${user.username}`],
    [`/${Owner}/${Slug}/raw/HEAD/Main.py?download=1`, `${path}/raw/HEAD/Main.py?download=1`],
    [`/${Owner}/${Slug}/archive/HEAD.zip`, `${path}/archive/HEAD.zip`],
    [`/api/v1/snippets/${Owner}/${Slug}/raw/Main.py`, `/api/v1/snippets/${user.username}/${slug}/raw/Main.py`],
  ];
  for (const [asked, canonical] of cases) {
    const response = await page.request.get(asked, { maxRedirects: 0 });
    expect(response.status(), asked).toBe(308);
    const location = new URL(response.headers()["location"] ?? "", baseURL);
    expect(location.pathname + location.search, asked).toBe(canonical);
    expect((await page.request.get(canonical, { maxRedirects: 0 })).status(), canonical).toBe(200);
  }
  // A file name's case is its own: no redirect, and no such file.
  expect((await page.request.get(`${path}/raw/HEAD/main.py`, { maxRedirects: 0 })).status()).toBe(404);
});

/** Opens `path`, waits until the page has settled and checks it rendered (not an error page). */
async function visit(page: Page, path: string, heading: RegExp | string): Promise<void> {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  await expect(page.getByRole("heading", { level: 1 }).first(), path).toContainText(heading);
  await page.waitForLoadState("networkidle");
}

test("the main pages load, edit and run without a single CSP violation", async ({ page, user, playwright, baseURL }) => {
  test.setTimeout(120_000);
  await expectExecService(playwright, baseURL);
  const violations = watchCspViolations(page);
  const { path } = await createSnippet(page.request, {
    title: "Everything at once",
    description: "Math in the blurb: $\\int_0^1 x^2\\,dx = \\frac{1}{3}$ and a [link](https://example.org).",
    tags: ["csp/check"],
    files: [
      {
        path: "main.py",
        content: [
          "from cellar import HTML, Latex, Markdown, display",
          "import matplotlib.pyplot as plt",
          "plt.plot([1, 3, 2])",
          "display(Latex(r'$$\\sum_{k=1}^n k = \\frac{n(n+1)}{2}$$'))",
          "display(Markdown('**bold** and $x^2$'))",
          "display(HTML(\"<p id='inside'>math <script type='math/tex'>e^{i\\\\pi}+1=0</script></p>\"))",
          "",
        ].join("\n"),
      },
      { path: "notes.md", content: "# Notes\n\n$$a^2 + b^2 = c^2$$\n" },
    ],
  });

  await visit(page, "/", /./);
  await visit(page, path, "Everything at once");
  // next/font, KaTeX's styles and fonts, the highlighted code and the inline images loaded.
  await expect(page.locator(".prose .katex").first()).toBeVisible();

  await page.getByRole("button", { name: "Run", exact: true }).click();
  const panel = page.getByRole("region", { name: "Run output" });
  await expect(panel.getByRole("status")).toHaveText(/^Done in \d/, { timeout: 30_000 });
  await expect(panel.locator("img.run-image")).toBeVisible();
  await expect(panel.locator(".run-latex .katex-display")).toBeVisible();
  await expect(page.frameLocator("iframe.run-html").locator("#inside math")).toBeVisible();
  // Typesetting the math replaced the frame's document: that is not the content navigating away.
  await expect(panel.locator(".run-html-note")).toHaveCount(0);
  await page.waitForLoadState("networkidle");

  await visit(page, `${path}/edit`, /Edit/);
  // The CodeMirror editor is there and takes typing.
  const editor = page.locator(".cm-content").first();
  await editor.click();
  await page.keyboard.type("# typed\n");
  await expect(editor).toContainText("# typed");

  await visit(page, `${path}/history`, /History/);
  await visit(page, `${path}/forks`, /Fork network/);
  await visit(page, "/new", /New snippet/);
  await visit(page, `/${user.username}`, /./);
  await visit(page, "/search?q=everything", /Search/);
  await visit(page, "/tags", /Tags/);
  await visit(page, "/settings/tokens", /tokens/i);

  expect(violations).toEqual([]);
});
