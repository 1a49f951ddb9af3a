/**
 * Code written for Jupyter's ipywidgets, run unchanged in a real browser against the real
 * execution service: an IntSlider and a Dropdown are drawn as the interact's controls, and moving
 * the slider or choosing an option re-runs the function, whose printed line and returned value
 * the reader sees change. Screenshot: test-results/e2e/ipywidgets.png.
 */
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";

// Interacts need the execution service that `npm start` starts beside the site.
test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

test("an ipywidgets IntSlider and Dropdown drive the function", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  const { path } = await createSnippet(page.request, {
    title: "Jupyter widgets",
    files: [
      {
        path: "main.py",
        content: [
          "import ipywidgets as widgets",
          "from ipywidgets import interact",
          "",
          "@interact(n=widgets.IntSlider(value=3, min=1, max=10, description='count'),",
          "          unit=widgets.Dropdown(options=[('metres', 'm'), ('feet', 'ft')], value='m', description='unit'))",
          "def distance(n, unit):",
          "    print(f'{n} {unit}')",
          "    return n * 10",
          "",
        ].join("\n"),
      },
    ],
  });
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const interact = page.getByRole("region", { name: "Interact distance" });
  // The first run waits for a free runner: longer than a control change on a busy machine.
  await expect(interact).toBeVisible({ timeout: 30_000 });
  const output = page.getByRole("region", { name: "Output of distance" });
  // The printed line, then the returned value shown as Jupyter shows it.
  await expect(output).toHaveText(/^3 m\s*30\s*$/);

  const slider = interact.getByRole("slider", { name: "count" });
  await expect(slider).toHaveValue("3");
  await slider.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect(output).toHaveText(/^5 m\s*50\s*$/);
  await expect(interact.locator("output")).toHaveText("5");

  const unit = interact.getByLabel("unit");
  await expect(unit).toHaveValue("0");
  await unit.selectOption("feet");
  await expect(output).toHaveText(/^5 ft\s*50\s*$/);
  await page.screenshot({ path: "test-results/e2e/ipywidgets.png", fullPage: true });
});

test("a slider with continuous_update=False re-runs when it is let go, not while it moves", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  const { path } = await createSnippet(page.request, {
    title: "Released slider",
    files: [
      {
        path: "main.py",
        content: [
          "from ipywidgets import interact, FloatSlider",
          "",
          "@interact(x=FloatSlider(value=0, min=0, max=10, step=0.5, description='x', continuous_update=False))",
          "def half(x):",
          "    print('half of', x, 'is', x / 2)",
          "",
        ].join("\n"),
      },
    ],
  });
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const interact = page.getByRole("region", { name: "Interact half" });
  await expect(interact).toBeVisible({ timeout: 30_000 });
  const output = page.getByRole("region", { name: "Output of half" });
  await expect(output).toHaveText("half of 0.0 is 0.0");

  const updates: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/interacts")) updates.push(request.postData() ?? "");
  });
  const slider = interact.getByRole("slider", { name: "x" });
  const box = await slider.boundingBox();
  if (!box) throw new Error("the slider has no box");
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 4, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, y, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.55, y, { steps: 5 });
  // The thumb and its readout follow the pointer...
  await expect(interact.locator("output")).not.toHaveText("0.0");
  const dragged = await interact.locator("output").textContent();
  // ...but nothing is sent while the button is held. (The pause gives an update sent by mistake
  // time to arrive, so that this can fail; it asserts nothing about speed.)
  await page.waitForTimeout(1_000);
  await expect(output).toHaveText("half of 0.0 is 0.0");
  expect(updates).toEqual([]);
  await page.mouse.up();
  const x = Number(dragged);
  await expect(output).toHaveText(`half of ${py(x)} is ${py(x / 2)}`);
  expect(updates).toHaveLength(1);

  // The keyboard still updates at each press.
  await slider.focus();
  await page.keyboard.press("ArrowRight");
  await expect(output).toHaveText(`half of ${py(x + 0.5)} is ${py((x + 0.5) / 2)}`);
});

/** A float as Python prints it (3.0, 2.75). */
const py = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : String(v));
