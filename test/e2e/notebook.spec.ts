/**
 * Jupyter notebooks in a real browser: the snippet page's "Download notebook" gives a file
 * Jupyter's validator accepts; the Run panel's "Download as notebook" holds the run's output;
 * "New snippet from notebook" on /new publishes a notebook Jupyter wrote.
 */
import { fileURLToPath } from "node:url";
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";
import { validNotebook } from "./support/notebook-file";

const FIXTURE = fileURLToPath(new URL("../fixtures/damped-oscillator.ipynb", import.meta.url));

test.describe("with Run", () => {
  // Run needs the execution service that `npm start` starts beside the site.
  test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

  test("Download notebook, and Download as notebook with the run's output", async ({ page, user: _signedIn }) => {
    test.setTimeout(60_000);
    const { path, slug } = await createSnippet(page.request, {
      title: "Squares",
      description: "Prints **squares**.",
      files: [
        { path: "main.py", content: "from helper import N\nprint([i * i for i in range(N)])\n" },
        { path: "helper.py", content: "N = 5\n" },
      ],
    });
    await page.goto(path);

    const [plain] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download notebook" }).click()]);
    expect(plain.suggestedFilename()).toMatch(new RegExp(`-${slug}-[0-9a-f]{7}\\.ipynb$`));
    const nb = await validNotebook(plain);
    expect(nb.kernel).toBe("python3");
    expect(nb.cells[0]?.source).toContain("# Squares");
    expect(nb.cells.filter((c) => c.type === "code").map((c) => c.source)).toEqual([
      "%%writefile helper.py\nN = 5\n",
      "from helper import N\nprint([i * i for i in range(N)])\n",
    ]);

    await page.getByRole("button", { name: "Run", exact: true }).click();
    const panel = page.getByRole("region", { name: "Run output" });
    await expect(panel.locator(".run-out--stdout")).toHaveText("[0, 1, 4, 9, 16]\n");
    const [withRun] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Download as notebook" }).click()]);
    const ran = await validNotebook(withRun);
    expect(ran.cells.at(-1)?.source).toBe("from helper import N\nprint([i * i for i in range(N)])\n");
    expect(ran.cells.at(-1)?.outputs).toEqual(["[0, 1, 4, 9, 16]\n"]);
  });
});

test("New snippet from notebook publishes a Jupyter notebook", async ({ page, user: _signedIn }) => {
  test.setTimeout(60_000);
  await page.goto("/new");
  const form = page.getByRole("form", { name: "New snippet from notebook" });
  await form.getByLabel("Notebook file").setInputFiles(FIXTURE);
  await form.getByRole("button", { name: "Import notebook" }).click();
  // The first render of a new snippet's page (highlighting) can take a while on a busy machine.
  await expect(page).toHaveURL(/\/damped-oscillator$/, { timeout: 30_000 });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Damped oscillator");
  await expect(page.getByText("numerically and plots it.")).toBeVisible();
  // The attached image is a file of the snippet (a section of its own), and the comment links to it.
  await expect(page.getByRole("region", { name: "images/spring.png" })).toBeVisible();
  await expect(page.getByText("# ![spring.png](images/spring.png)")).toBeVisible();
  await expect(page.getByText("# %matplotlib inline  (IPython, not Python: commented out on import)")).toBeVisible();
});

test("New snippet from notebook says why a file is refused", async ({ page, user: _signedIn }) => {
  await page.goto("/new");
  const form = page.getByRole("form", { name: "New snippet from notebook" });
  await form
    .getByLabel("Notebook file")
    .setInputFiles({ name: "old.ipynb", mimeType: "application/json", buffer: Buffer.from(JSON.stringify({ nbformat: 3, worksheets: [] })) });
  await form.getByRole("button", { name: "Import notebook" }).click();
  await expect(form.getByRole("alert")).toHaveText(/This notebook cannot be imported: it is nbformat 3; only nbformat 4/);
  await expect(page).toHaveURL(/\/new$/);
});
