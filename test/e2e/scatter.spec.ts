/**
 * scatter/gather in a real browser against the real execution service: a snippet whose cell
 * scatters 40 tasks of ~50 ms shows the job's progress bar, which ends at "40 / 40 tasks".
 */
import { createSnippet, expect, test } from "./fixtures";
import { expectExecService } from "./support/exec-service";

test.beforeAll(async ({ playwright, baseURL }) => expectExecService(playwright, baseURL));

test("a scattered job shows its progress bar, live, ending at 40 / 40 tasks", async ({ page, user: _signedIn }) => {
  test.setTimeout(90_000);
  const { path } = await createSnippet(page.request, {
    title: "Scatter forty tasks",
    files: [
      {
        path: "main.py",
        content: [
          "import time",
          "def work(i):",
          "    end = time.process_time() + 0.05",
          "    while time.process_time() < end:",
          "        pass",
          "    return i * i",
          "job = scatter(work, range(40))",
          "print('sum', sum(gather(job)))",
          "",
        ].join("\n"),
      },
    ],
  });
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const panel = page.getByRole("region", { name: "Run output" });
  const job = panel.getByTestId("run-job");
  // The first progress comes as soon as the cell scatters (the session may take a while to start on a loaded machine).
  await expect(job).toBeVisible({ timeout: 30_000 });
  await expect(job.locator("progress")).toHaveAttribute("max", "40");
  await expect(panel.locator(".run-out--stdout")).toHaveText(`sum ${Array.from({ length: 40 }, (_, i) => i * i).reduce((a, b) => a + b)}\n`, {
    timeout: 60_000,
  });
  // One bar for the job, at its final state.
  await expect(job).toHaveCount(1);
  await expect(job).toHaveText("40 / 40 tasks");
  await expect(job.locator("progress")).toHaveAttribute("value", "40");
  await page.screenshot({ path: "test-results/e2e/scatter.png", fullPage: true });
});
