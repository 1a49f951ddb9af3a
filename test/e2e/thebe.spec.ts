/**
 * Thebe, a Jupyter client written by others, in a real browser: a static page on another origin
 * (test/fixtures/thebe/index.html) loads thebe-core's own browser bundle from node_modules (as a
 * course page's host would serve it; no CDN), connects to the site's Jupyter kernel API
 * (`serverSettings.baseUrl <site>/jupyter/`, `wsUrl ws://<site>/jupyter/`), starts a python
 * kernel, runs `print(6*7)` and shows 42. The site lets that origin in through
 * JUPYTER_ALLOW_ORIGINS (playwright.config.ts). Screenshot: test-results/e2e/thebe-*.png.
 */
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";

const PAGE = fileURLToPath(new URL("../fixtures/thebe/index.html", import.meta.url));
/** thebe-core's prebuilt browser bundle (webpack: the entry and the chunks it loads next to itself). */
const BUNDLE_DIR = fileURLToPath(new URL("../../node_modules/thebe-core/dist/lib/", import.meta.url));
const TYPES: Record<string, string> = { ".js": "text/javascript", ".css": "text/css", ".map": "application/json", ".txt": "text/plain" };

const staticPort = Number(process.env.CELLAR_E2E_STATIC_PORT);
const staticOrigin = `http://127.0.0.1:${staticPort}`;
let server: Server | undefined;

test.beforeAll(async ({ playwright, baseURL }) => {
  await expectExecService(playwright, baseURL);
  // The course page's own host: the page, and thebe-core's files by name (no paths, so nothing else leaves node_modules).
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", staticOrigin);
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(readFileSync(PAGE));
      return;
    }
    const name = /^\/thebe-core\/([\w.-]+)$/.exec(url.pathname)?.[1];
    const file = name ? path.join(BUNDLE_DIR, name) : null;
    if (!file || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => server!.once("error", reject).listen(staticPort, "127.0.0.1", resolve));
});

test.afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

test("a Thebe page on another origin runs print(6*7) on the site's python kernel and shows 42", async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  const site = new URL(baseURL!).origin;
  // Everything the page asks for must come from its own host or the site: a CDN request fails the test.
  const elsewhere: string[] = [];
  await page.route("**/*", (route) => {
    const origin = new URL(route.request().url()).origin;
    if (origin === staticOrigin || origin === site) return route.continue();
    elsewhere.push(route.request().url());
    return route.abort();
  });
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));

  await page.goto(`${staticOrigin}/?site=${encodeURIComponent(site)}`);
  const output = page.locator("#output .jp-OutputArea-output");
  await expect(output).toHaveText("42", { timeout: 45_000 });
  await expect(page.locator("#status")).toHaveText("done");
  expect(sockets.some((u) => u.startsWith(`${site.replace(/^http/, "ws")}/jupyter/api/kernels/`) && u.includes("/channels"))).toBe(true);
  expect(elsewhere).toEqual([]);
  await page.screenshot({ path: test.info().outputPath("thebe-page.png"), fullPage: true });
});
