/**
 * A cell's 3D scene (application/vnd.cellar.scene3d+json) in the interactive viewer: it draws a
 * lit surface, turns when dragged, zooms with the wheel, answers the arrow and +/- keys, and
 * Reset view brings the first picture back; the Image toggle shows the static PNG. An invalid
 * scene, or a browser without WebGL, shows the PNG with a note. three.js is fetched only by a
 * page that shows a scene. The viewer's screenshot goes to test-results/e2e/.../scene3d-viewer.png.
 *
 * WebGL here is Chromium's software renderer (SwiftShader through ANGLE), which headless
 * Chromium uses even with --disable-gpu; the pictures compared are what the reader would see.
 */
import { readFileSync } from "node:fs";
import type { Locator, Page } from "@playwright/test";
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";
import { changedPicture, colouredShare, pictureBack, settledPicture } from "./support/pictures";

test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

// Builds a surface z = sin(x) cos(y) scene with numpy and displays it, as the Sage kernel will.
const DEMO = readFileSync(new URL("./support/scene3d_demo.py", import.meta.url), "utf8");
// three.js's own message when it cannot get a context: a string literal, so it survives minifying.
const THREE_MARKER = "Error creating WebGL context";

/** Publishes a snippet whose main.py calls `fn` of scene3d_demo.py, opens it and presses Run. */
async function runDemo(page: Page, fn: string): Promise<Locator> {
  const { path } = await createSnippet(page.request, {
    title: `Scene ${fn}`,
    files: [
      { path: "main.py", content: `from scene3d_demo import ${fn}\n${fn}()\n` },
      { path: "scene3d_demo.py", content: DEMO },
    ],
  });
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const panel = page.getByRole("region", { name: "Run output" });
  await expect(panel.getByRole("status")).toHaveText(/^Done in \d/, { timeout: 30_000 });
  return panel;
}

/** Every script the page loads from now on, as text, to tell whether three.js came with them. */
function collectScripts(page: Page): () => Promise<string[]> {
  const bodies: Promise<string>[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") bodies.push(response.text().catch(() => ""));
  });
  return () => Promise.all(bodies);
}

test("A 3D plot turns when dragged, zooms with the wheel or keys, and Reset view brings it back", async ({ page, user: _signedIn }) => {
  test.setTimeout(120_000);
  const scripts = collectScripts(page);

  // A page whose run shows no scene does not fetch three.js.
  const { path } = await createSnippet(page.request, {
    title: "Flat plot",
    files: [{ path: "main.py", content: "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\n" }],
  });
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const flat = page.getByRole("region", { name: "Run output" });
  await expect(flat.getByRole("status")).toHaveText(/^Done in \d/, { timeout: 30_000 });
  await expect(flat.locator("img.run-image")).toBeVisible();
  expect(
    (await scripts()).some((s) => s.includes(THREE_MARKER)),
    "three.js loaded for a page without a 3D scene",
  ).toBe(false);

  const panel = await runDemo(page, "show_surface");
  const view = panel.getByRole("application", { name: /^Graphics3d Object\. Drag/ });
  // Fetching three.js and compiling shaders in software take a while on a busy machine.
  await expect(view.locator("canvas")).toBeVisible({ timeout: 20_000 });
  const reset = panel.getByRole("button", { name: "Reset view" });
  await expect(reset).toBeEnabled();
  expect(
    (await scripts()).some((s) => s.includes(THREE_MARKER)),
    "three.js came with the scene",
  ).toBe(true);

  const first = await settledPicture(view);
  // A lit, coloured surface fills a good part of the view, not a blank or grey canvas.
  expect(await colouredShare(page, first)).toBeGreaterThan(0.02);
  await view.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("scene3d-page.png"), fullPage: true });
  await view.screenshot({ path: test.info().outputPath("scene3d-viewer.png") });

  // Drag across the plot: it turns.
  const box = await view.boundingBox();
  if (!box) throw new Error("the viewer has no box");
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + 160, cy + 40, { steps: 8 });
  await page.mouse.up();
  const turned = await changedPicture(view, first);

  // The wheel zooms in: the surface covers more of the view.
  await page.mouse.move(cx, cy);
  await page.mouse.wheel(0, -500);
  const zoomed = await changedPicture(view, turned);
  expect(await colouredShare(page, zoomed)).toBeGreaterThan(await colouredShare(page, turned));

  await reset.click();
  await pictureBack(view, first, "Reset view did not restore the first picture");

  // Without a mouse: focus the view, turn it with the arrow keys and zoom out with -.
  await view.focus();
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  const keyed = await changedPicture(view, first);
  await page.keyboard.press("-");
  const zoomedOut = await changedPicture(view, keyed);
  expect(await colouredShare(page, zoomedOut)).toBeLessThan(await colouredShare(page, keyed));
  await reset.click();
  await pictureBack(view, first, "Reset view did not undo the keys");

  // The Image toggle shows the static rendering instead, and back.
  const image = panel.getByRole("button", { name: "Image" });
  await image.click();
  await expect(image).toHaveAttribute("aria-pressed", "true");
  const png = panel.locator(".run-scene3d img.run-image");
  await expect(png).toHaveAttribute("alt", "Graphics3d Object");
  await expect.poll(() => png.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(100);
  await expect(panel.locator(".run-scene3d canvas")).toHaveCount(0);
  await image.click();
  await expect(view.locator("canvas")).toBeVisible();
  await pictureBack(view, first, "the viewer did not come back as it was");

  // On a phone the viewer fits the column and the page does not scroll sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(async () => (await view.boundingBox())?.width ?? 0).toBeLessThan(390);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "the page scrolls sideways on a phone").toBeLessThanOrEqual(0);
  await settledPicture(view);
  await view.screenshot({ path: test.info().outputPath("scene3d-phone.png") });
});

test("Of many scenes on a page, only those near the screen hold a WebGL context", async ({ page, user: _signedIn }) => {
  test.setTimeout(120_000);
  const { path } = await createSnippet(page.request, {
    title: "Twelve scenes",
    files: [
      {
        path: "main.py",
        content:
          "from scene3d_demo import show, static_png, surface_scene\nscene = surface_scene(n=8)\npng = static_png(scene)\nfor _ in range(12):\n    show(scene, png)\n",
      },
      { path: "scene3d_demo.py", content: DEMO },
    ],
  });
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const panel = page.getByRole("region", { name: "Run output" });
  await expect(panel.getByRole("status")).toHaveText(/^Done in \d/, { timeout: 30_000 });
  const views = panel.locator(".run-scene3d__view");
  await expect(views).toHaveCount(12);
  const first = views.first();
  const last = views.last();
  await expect(first.locator("canvas")).toBeVisible({ timeout: 20_000 });
  // Far below the screen: its static image holds the place, no context yet.
  await expect(last.locator("canvas")).toHaveCount(0);
  await expect(last.locator("img.run-scene3d__placeholder")).toHaveCount(1);
  expect(await panel.locator(".run-scene3d canvas").count()).toBeLessThan(12);

  await last.scrollIntoViewIfNeeded();
  await expect(last.locator("canvas")).toBeVisible({ timeout: 20_000 });
  // The first, now far above, gave its context back.
  await expect(first.locator("canvas")).toHaveCount(0);
  await first.scrollIntoViewIfNeeded();
  await expect(first.locator("canvas")).toBeVisible({ timeout: 20_000 });
});

test("An invalid scene shows the static image with a note saying what is wrong", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  const panel = await runDemo(page, "show_invalid");
  const scene = panel.locator(".run-scene3d");
  // The demo's 4×4 grid has 16 points and 54 indices; the last was set to 999.
  await expect(scene.locator(".run-scene3d__note")).toHaveText(
    "Invalid 3D scene (objects.0.indices.53: index 999 is not a point of this mesh (it has 16)): showing a static image",
  );
  const png = scene.locator("img.run-image");
  await expect.poll(() => png.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(100);
  await expect(scene.locator("canvas")).toHaveCount(0);
});

test("Without WebGL the static image is shown with a note", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  // As in a browser with WebGL turned off: no webgl or webgl2 context is given.
  await page.addInitScript(() => {
    const proto = HTMLCanvasElement.prototype as unknown as { getContext: (kind: string, ...rest: unknown[]) => unknown };
    const getContext = proto.getContext;
    proto.getContext = function (this: HTMLCanvasElement, kind: string, ...rest: unknown[]) {
      return kind.startsWith("webgl") ? null : getContext.call(this, kind, ...rest);
    };
  });
  const panel = await runDemo(page, "show_surface");
  const scene = panel.locator(".run-scene3d");
  await expect(scene.locator(".run-scene3d__note")).toHaveText("3D viewer unavailable: showing a static image");
  const png = scene.locator("img.run-image");
  await expect(png).toHaveAttribute("alt", "Graphics3d Object");
  await expect.poll(() => png.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(100);
  await expect(scene.locator("canvas")).toHaveCount(0);
});
