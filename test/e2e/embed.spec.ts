/**
 * Embeds on another site's page, in a real browser against the real site and execution service.
 * The host pages are served by a small HTTP server of this test on another port (another
 * origin, as a course page would be): linked cells made by /embed.js share one session; a page
 * written for SageMathCell works by loading /embed_sagecell.js instead; a snippet's Gist-style
 * `<owner>/<slug>.js` shows its files and runs them; the host page cannot read the frames.
 * Screenshots go to test-results/e2e/embed-*.png.
 */
import { createServer, type Server } from "node:http";
import type { FrameLocator, Page } from "@playwright/test";
import { sageInstalled } from "@/lib/exec/kernels";
import { createSnippet, expect, test } from "./fixtures";
import { watchCspViolations } from "./support/csp-violations";
import { expectExecService } from "./support/exec-service";
import { freePort } from "./support/free-port";

test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

// A session's start waits for a sandbox: on a busy two-core machine, longer than expect's 5 s.
const SLOW = { timeout: 30_000 };

/** The host pages' server: GET /<name>.html answers the page registered under that name. */
let host: Server;
let hostOrigin = "";
const pages = new Map<string, string>();

test.beforeAll(async () => {
  const port = await freePort();
  host = createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? "/", "http://x").pathname);
    res.writeHead(html === undefined ? 404 : 200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(html ?? "not found");
  });
  await new Promise<void>((resolve) => host.listen(port, "127.0.0.1", resolve));
  // localhost, not 127.0.0.1: another origin than the site even apart from the port.
  hostOrigin = `http://localhost:${port}`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => host.close(() => resolve()));
});

/** Serves `body` as a page of the host site; returns its URL. */
function hostPage(name: string, body: string): string {
  pages.set(`/${name}.html`, `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title></head><body><h1>A course page</h1>${body}</body></html>`);
  return `${hostOrigin}/${name}.html`;
}

/** The Run panel's status line in a frame, once it says the run is done. */
async function expectDone(frame: FrameLocator) {
  await expect(frame.getByRole("region", { name: "Run output" }).getByRole("status")).toHaveText(/^Done in \d/, SLOW);
}

/** Waits until every frame embed.js (cells and output frames) or a snippet script made is as tall as what it shows (the host sized it from the frame's reports). */
async function expectFramesFit(page: Page) {
  const frames = page.locator("iframe.cellar-cell, iframe.cellar-embed, iframe.cellar-output");
  for (let i = 0; i < (await frames.count()); i++) {
    const frame = frames.nth(i);
    const inner = frame.contentFrame().locator(".embed-root");
    await expect
      .poll(async () => Math.abs(((await frame.boundingBox())?.height ?? 0) - ((await inner.boundingBox())?.height ?? 0)), { message: `frame ${i} fits` })
      .toBeLessThanOrEqual(4);
  }
}

/**
 * A picture of the whole host page once its frames fit: the viewport made as tall as the page
 * (a full-page screenshot resizes it while taking the picture, and cross-origin frames may not
 * repaint in time).
 */
async function screenshot(page: Page, name: string) {
  await expectFramesFit(page);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1000, height: Math.min(height, 4000) });
  await expectFramesFit(page);
  await page.screenshot({ path: test.info().outputPath(name) });
}

/** What a script of the host page can see of the n-th frame's document (null: nothing). */
function hostReads(page: Page, n: number) {
  return page.evaluate((i) => {
    const frame = document.querySelectorAll("iframe")[i] as HTMLIFrameElement;
    let doc: string;
    try {
      doc = String(frame.contentWindow?.document.body.innerHTML);
    } catch (e) {
      doc = `refused: ${(e as Error).name}`;
    }
    return { contentDocument: frame.contentDocument, doc };
  }, n);
}

test("two linked cells share a session: the second prints what the first defined; a cell of its own does not see it", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const csp = watchCspViolations(page);
  const url = hostPage(
    "linked",
    `<script src="${baseURL}/embed.js"></script>
     <p>First define it:</p>
     <div class="lesson"><script type="text/x-python">
        a = 6*7
        print("a is defined")
     </script></div>
     <p>Then use it:</p>
     <div class="lesson"><script type="text/x-python">print(a)</script></div>
     <p>A cell of its own:</p>
     <div class="alone">print(a)</div>
     <script>
       cellar.makeCell({ inputLocation: "div.lesson", linkKey: "lesson-1" });
       cellar.makeCell({ inputLocation: "div.alone", evalButtonText: "Try it", replaceOutput: false });
     </script>`,
  );
  await page.goto(url);
  await expect(page.locator("iframe")).toHaveCount(3);
  const [first, second, alone] = [0, 1, 2].map((i) => page.frameLocator("iframe").nth(i));
  // The code came through postMessage, dedented, into each frame's editor.
  await expect(first!.locator(".cm-content")).toContainText("a = 6*7");
  await expect(second!.locator(".cm-content")).toHaveText("print(a)");
  await expect(alone!.getByRole("button", { name: "Try it" })).toBeVisible();

  await first!.getByRole("button", { name: "Run", exact: true }).click();
  await expect(first!.locator(".run-out--stdout")).toHaveText("a is defined\n", SLOW);
  // The first frame grew with its output: click the next one once the page has stopped moving.
  await expectFramesFit(page);
  await second!.getByRole("button", { name: "Run", exact: true }).click();
  await expect(second!.locator(".run-out--stdout")).toHaveText("42\n", SLOW);
  await expectDone(second!);
  // The first cell shows only its own output, not the second's, though both ran in its session.
  await expect(first!.locator(".run-out--stdout")).toHaveText("a is defined\n");

  await expectFramesFit(page);
  await alone!.getByRole("button", { name: "Try it" }).click();
  await expect(alone!.locator(".run-out--error")).toContainText("NameError", SLOW);
  // replaceOutput: false keeps the first run's output above the second's (a fresh session each).
  await expectFramesFit(page);
  await alone!.getByRole("button", { name: "Try it" }).click();
  await expect(alone!.locator(".run-out--error")).toHaveCount(2, SLOW);

  // Each frame is as tall as what it shows: the host sized it from the height the frame posted.
  await expectFramesFit(page);

  // Another origin: the host page's scripts cannot read the frames.
  const seen = await hostReads(page, 0);
  expect(seen.contentDocument).toBeNull();
  expect(seen.doc).toMatch(/^refused: SecurityError/);
  expect(csp, "CSP violations in the page or its frames").toEqual([]);
  await screenshot(page, "embed-linked.png");
});

test("an interact in a linked cell: its slider re-runs it in the group's session", async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const url = hostPage(
    "interact",
    `<script src="${baseURL}/embed.js"></script>
     <div class="step">k = 10</div>
     <div class="step">@interact
def times_k(n=slider(1, 10, 1, default=3)):
    print(f"{n} * k = {n * k}")</div>
     <script>cellar.makeCell({ inputLocation: "div.step", linked: true });</script>`,
  );
  await page.goto(url);
  const [first, second] = [0, 1].map((i) => page.frameLocator("div.step iframe").nth(i));
  await first!.getByRole("button", { name: "Run", exact: true }).click();
  await expectDone(first!);
  await expectFramesFit(page);
  await second!.getByRole("button", { name: "Run", exact: true }).click();
  const output = second!.getByRole("region", { name: "Output of times_k" });
  await expect(output).toHaveText("3 * k = 30", SLOW);
  await second!.getByRole("region", { name: "Interact times_k" }).getByRole("slider", { name: "n" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(output).toHaveText("4 * k = 40", SLOW);
  // The first cell shows none of it.
  await expect(first!.locator(".interact")).toHaveCount(0);
  await screenshot(page, "embed-interact.png");
});

test("outputLocation: the output shows in a frame there, not in the cell; linked cells' output frames show only their own cells", async ({ page, baseURL }) => {
  test.setTimeout(150_000);
  const csp = watchCspViolations(page);
  const url = hostPage(
    "output-location",
    `<script src="${baseURL}/embed.js"></script>
     <div class="plain">print(6*7)</div>
     <p>The answer is printed below this paragraph.</p>
     <div id="out"></div>
     <div class="lesson">a = 6*7
print("a is defined")</div>
     <div class="lesson">print(a)</div>
     <aside><h2>What the lesson printed</h2><div class="side"></div><div class="side"></div></aside>
     <div class="nowhere">print("in the cell")</div>
     <script>
       cellar.makeCell({ inputLocation: "div.plain", outputLocation: "#out" });
       cellar.makeCell({ inputLocation: "div.lesson", linked: true, outputLocation: "div.side" });
       cellar.makeCell({ inputLocation: "div.nowhere", outputLocation: "#missing" });
     </script>`,
  );
  // Tall enough for every frame: Chromium does not lay out cross-origin frames out of view, so
  // those do not report their height until scrolled to.
  await page.setViewportSize({ width: 1000, height: 2000 });
  await page.goto(url);
  // One output frame per cell whose outputLocation matched, placed where the page asked.
  await expect(page.locator("iframe.cellar-output")).toHaveCount(3);
  await expect(page.locator("p + #out > iframe.cellar-output")).toHaveCount(1);
  const cell = page.frameLocator("div.plain iframe");
  const out = page.frameLocator("#out iframe");
  // Nothing to show yet: the output frame takes no room.
  await expect.poll(async () => (await page.locator("#out").boundingBox())?.height ?? 0).toBe(0);

  await cell.getByRole("button", { name: "Run", exact: true }).click();
  await expect(out.locator(".run-out--stdout")).toHaveText("42\n", SLOW);
  await expectDone(out);
  await expect(out.getByRole("region", { name: "Run output" })).toBeVisible();
  // The cell's own frame shows no output.
  await expect(cell.getByRole("region", { name: "Run output" })).toHaveCount(0);
  await expect(cell.locator(".run-out")).toHaveCount(0);
  expect((await page.locator("#out").boundingBox())?.height ?? 0).toBeGreaterThan(20);

  // Linked cells: each one's output frame shows its own cells only.
  await expectFramesFit(page);
  const [first, second] = [0, 1].map((i) => page.frameLocator("div.lesson iframe").nth(i));
  const [firstOut, secondOut] = [0, 1].map((i) => page.frameLocator("div.side iframe").nth(i));
  await first!.getByRole("button", { name: "Run", exact: true }).click();
  await expect(firstOut!.locator(".run-out--stdout")).toHaveText("a is defined\n", SLOW);
  await expectDone(firstOut!);
  await expectFramesFit(page);
  await second!.getByRole("button", { name: "Run", exact: true }).click();
  await expect(secondOut!.locator(".run-out--stdout")).toHaveText("42\n", SLOW);
  await expect(firstOut!.locator(".run-out--stdout")).toHaveText("a is defined\n");
  await expect(first!.locator(".run-out")).toHaveCount(0);
  await expect(second!.locator(".run-out")).toHaveCount(0);

  // outputLocation that matches nothing: the output shows in the cell, as without it.
  await expectFramesFit(page);
  const nowhere = page.frameLocator("div.nowhere iframe");
  await nowhere.getByRole("button", { name: "Run", exact: true }).click();
  await expect(nowhere.locator(".run-out--stdout")).toHaveText("in the cell\n", SLOW);

  // The host page's scripts cannot read an output frame either.
  const seen = await page.evaluate(() => {
    try {
      return String(document.querySelector<HTMLIFrameElement>("#out iframe")?.contentWindow?.document.body.innerHTML);
    } catch (e) {
      return `refused: ${(e as Error).name}`;
    }
  });
  expect(seen).toMatch(/^refused: SecurityError/);
  expect(csp, "CSP violations in the page or its frames").toEqual([]);
  await screenshot(page, "embed-output-location.png");
});

test("an interact placed by outputLocation (makeSagecell) stays live: its slider in the output frame re-runs it", async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const url = hostPage(
    "output-location-interact",
    `<script src="${baseURL}/embed_sagecell.js"></script>
     <div style="display:flex;gap:1rem">
       <div id="code" style="flex:1">@interact
def square(n=slider(1, 10, 1, default=3)):
    print(f"{n} squared is {n * n}")</div>
       <div style="flex:1"><h2>Try it</h2><div id="side"></div></div>
     </div>
     <script>sagecell.makeSagecell({ inputLocation: "#code", outputLocation: "#side", languages: ["python"] });</script>`,
  );
  await page.goto(url);
  const cell = page.frameLocator("#code iframe");
  const out = page.frameLocator("#side iframe");
  await cell.getByRole("button", { name: "Evaluate" }).click();
  const output = out.getByRole("region", { name: "Output of square" });
  await expect(output).toHaveText("3 squared is 9", SLOW);
  await out.getByRole("region", { name: "Interact square" }).getByRole("slider", { name: "n" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(output).toHaveText("4 squared is 16", SLOW);
  await page.keyboard.press("ArrowRight");
  await expect(output).toHaveText("5 squared is 25", SLOW);
  await expect(cell.locator(".interact")).toHaveCount(0);
  await screenshot(page, "embed-output-interact.png");
});

test("a page written for SageMathCell works with /embed_sagecell.js: a text/x-python block, Evaluate, the minimal template", async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const csp = watchCspViolations(page);
  const url = hostPage(
    "sagecell-python",
    `<script src="${baseURL}/embed_sagecell.js"></script>
     <div class="compute"><script type="text/x-python">print(sum(range(5)), "from Python")</script></div>
     <div class="shown">from cellar import HTML, display
display(HTML("&lt;p id='made'&gt;Made by the cell&lt;/p&gt;"))</div>
     <script>
       sagecell.makeSagecell({ inputLocation: "div.compute", hide: ["permalink"] });
       sagecell.makeSagecell({ inputLocation: "div.shown", template: sagecell.templates.minimal, languages: ["python"] });
     </script>`,
  );
  await page.goto(url);
  const cell = page.frameLocator("div.compute iframe");
  await cell.getByRole("button", { name: "Evaluate" }).click();
  await expect(cell.locator(".run-out--stdout")).toHaveText("10 from Python\n", SLOW);
  await expect(cell.getByRole("link", { name: "Open in Cellar" })).toHaveCount(0);

  // minimal: no editor, no button, run at once; its HTML output in a frame of the frame (whose
  // frame-ancestors must let the host page be among its ancestors).
  const shown = page.frameLocator("div.shown iframe");
  await expect(shown.frameLocator("iframe.run-html").locator("#made")).toHaveText("Made by the cell", SLOW);
  await expect(shown.locator(".cm-content, textarea")).toHaveCount(0);
  await expect(shown.getByRole("button", { name: "Evaluate" })).toHaveCount(0);
  expect(csp, "CSP violations in the page or its frames").toEqual([]);
  await screenshot(page, "embed-sagecell.png");
});

test("a SageMathCell page's text/x-sage block runs in Sage, linked cells too", async ({ page, baseURL }) => {
  test.skip(!sageInstalled(), "SageMath is not installed (CELLAR_SAGE=0): the sage kernel is unavailable");
  test.setTimeout(120_000);
  const url = hostPage(
    "sagecell-sage",
    `<script src="${baseURL}/embed_sagecell.js"></script>
     <div class="compute"><script type="text/x-sage">f(x) = x^2 + 1</script></div>
     <div class="compute"><script type="text/x-sage">print(f(3), 2^10)</script></div>
     <script>sagecell.makeSagecell({ inputLocation: "div.compute", linked: true, autoeval: false });</script>`,
  );
  await page.goto(url);
  const [first, second] = [0, 1].map((i) => page.frameLocator("div.compute iframe").nth(i));
  await first!.getByRole("button", { name: "Evaluate" }).click();
  // The Sage zygote may still be starting.
  await expectDone(first!);
  await expectFramesFit(page);
  await second!.getByRole("button", { name: "Evaluate" }).click();
  await expect(second!.locator(".run-out--stdout")).toHaveText("10 1024\n", { timeout: 60_000 });
  await screenshot(page, "embed-sage.png");
});

test("a snippet's <owner>/<slug>.js shows its files highlighted and runs them; the iframe form too", async ({ page, baseURL, user: _signedIn }) => {
  test.setTimeout(120_000);
  const code = "def square(n):\n    return n * n\n\nprint('squares:', [square(n) for n in range(4)])\n";
  const { path, head } = await createSnippet(page.request, { title: "Squares to embed", files: [{ path: "main.py", content: code }] });
  const url = hostPage(
    "gist",
    `<p>Before</p><script src="${baseURL}${path}.js"></script><p>After</p>
     <iframe id="pinned" src="${baseURL}${path}/embed?rev=${head}" style="width:100%;height:400px"></iframe>`,
  );
  await page.goto(url);
  // The script put its frame right after itself, before the next paragraph.
  await expect(page.locator("script + iframe.cellar-embed + p")).toHaveText("After");
  const embed = page.frameLocator("iframe.cellar-embed");
  await expect(embed.getByRole("link", { name: "Squares to embed" })).toBeVisible(SLOW);
  const file = embed.getByRole("region", { name: "main.py" });
  await expect(file).toContainText("def square(n):");
  // Highlighted: the keyword is its own coloured span.
  await expect(file.locator(".code-file span[class^='s']", { hasText: "def" }).first()).toBeVisible();
  await embed.getByRole("button", { name: "Run", exact: true }).click();
  await expect(embed.locator(".run-out--stdout")).toHaveText("squares: [0, 1, 4, 9]\n", SLOW);

  const pinned = page.frameLocator("#pinned");
  await expect(pinned.getByRole("region", { name: "main.py" })).toContainText("print('squares:'");
  await screenshot(page, "embed-gist.png");

  const seen = await hostReads(page, 0);
  expect(seen.contentDocument).toBeNull();

  // A missing snippet: its script and its embed page are 404s.
  expect((await page.request.get(`${baseURL}${path}-nope.js`)).status()).toBe(404);
  expect((await page.request.get(`${baseURL}${path}-nope/embed`)).status()).toBe(404);
});

test("only the embed pages may be framed by other sites", async ({ request }) => {
  const frameAncestors = async (url: string) => {
    const csp = (await request.get(url)).headers()["content-security-policy"] ?? "";
    return /frame-ancestors ([^;]+)/.exec(csp)?.[1] ?? null;
  };
  expect(await frameAncestors("/embed/cell")).toBeNull();
  expect(await frameAncestors("/embed/output")).toBeNull();
  expect(await frameAncestors("/cell")).toBe("'none'");
  expect(await frameAncestors("/")).toBe("'none'");
  // The script itself is served as JavaScript, from either name.
  for (const name of ["/embed.js", "/embed_sagecell.js"]) {
    const res = await request.get(name);
    expect(res.status(), name).toBe(200);
    expect(res.headers()["content-type"], name).toMatch(/javascript/);
    expect(await res.text(), name).toContain("makeSagecell");
  }
});
