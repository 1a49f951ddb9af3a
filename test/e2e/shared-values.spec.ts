/**
 * The owner's "Shared values" panel on a snippet page: values that runs stored (seeded through
 * lib/shared by test/e2e/support/seed-shared.ts) show with a preview, size and revision, to the
 * owner only; the owner deletes one, allows anonymous writes, and clears the rest.
 */
import { execFileSync } from "node:child_process";
import { createSnippet, expect, signedInContext, test } from "./fixtures";

function seedShared(owner: string, slug: string, values: Record<string, unknown>): number[] {
  const out = execFileSync(
    process.execPath,
    ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "test/e2e/support/seed-shared.ts", owner, slug, JSON.stringify(values)],
    {
      encoding: "utf8",
    },
  );
  return (JSON.parse(out.trim().split("\n").pop()!) as { revisions: number[] }).revisions;
}

test("the owner sees the shared values, deletes one, allows anonymous writes and clears them all; others see no panel", async ({
  page,
  user,
  browser,
  baseURL,
}) => {
  // Seeding starts a Node process (tsx) of its own: seconds on a loaded machine.
  test.setTimeout(120_000);
  const { path, slug } = await createSnippet(page.request, { title: "Shared board", files: [{ path: "main.py", content: "print(shared.keys())\n" }] });
  const data = Buffer.from(new Float64Array([1, 2, 3]).buffer).toString("base64");
  const revisions = seedShared(user.username, slug, {
    best: { score: 12, by: "ada" },
    grid: { __ndarray__: { dtype: "float64", shape: [3], data } },
    note: "hello",
  });

  await page.goto(path);
  // The page is the same for everyone: the owner's parts come once the browser knows who is looking.
  await expect(page.getByRole("link", { name: "Edit" })).toBeVisible({ timeout: 15_000 });
  const panel = page.getByRole("region", { name: "Shared values" });
  await expect(panel).toBeVisible();
  const rows = panel.locator("tbody tr");
  await expect(rows).toHaveCount(3);
  const best = panel.locator('tr[data-key="best"]');
  await expect(best).toContainText('{"score":12,"by":"ada"}');
  await expect(best).toContainText(String(revisions[0]));
  await expect(best).toContainText(`by ${user.username}`);
  await expect(panel.locator('tr[data-key="grid"]')).toContainText("ndarray float64 (3,)");
  await panel.screenshot({ path: "test-results/e2e/shared-values.png" });

  // Someone else sees the page without the panel.
  const other = await signedInContext(browser, baseURL, "shother");
  await other.page.goto(path);
  await expect(other.page.getByRole("heading", { name: "Shared board" })).toBeVisible();
  await expect(other.page.getByRole("region", { name: "Shared values" })).toHaveCount(0);
  await other.context.close();

  await panel.getByRole("button", { name: "Delete note" }).click();
  await expect(rows).toHaveCount(2);
  await expect(panel.locator('tr[data-key="note"]')).toHaveCount(0);

  const anonymous = panel.getByRole("checkbox", { name: /not signed in may write/ });
  await expect(anonymous).not.toBeChecked();
  await anonymous.check();
  await expect(anonymous).toBeChecked();

  page.once("dialog", (dialog) => void dialog.accept());
  await panel.getByRole("button", { name: "Clear all" }).click();
  await expect(panel.getByText("No shared values yet.")).toBeVisible();

  // What the page showed is what is stored.
  await page.reload();
  await expect(panel.getByText("No shared values yet.")).toBeVisible();
  await expect(panel.getByRole("checkbox", { name: /not signed in may write/ })).toBeChecked();
  const listed = await page.request.get(`/api/v1/snippets/${user.username}/${slug}/shared`);
  expect(((await listed.json()) as { values: unknown[] }).values).toEqual([]);
});

test("a run of the snippet writes and reads `shared` through the running site (exec service → internal route); the route refuses a caller without the token", async ({
  page,
  user,
}) => {
  test.setTimeout(120_000);
  const { slug } = await createSnippet(page.request, { title: "Shared from a run", files: [{ path: "main.py", content: "print(1)\n" }] });
  const code = 'shared["fromrun"] = {"a": 1}\nprint(shared["fromrun"], list(shared))';
  const run = await page.request.post("/api/v1/exec", { data: { code, snippet: { owner: user.username, slug } } });
  expect(run.status()).toBe(200);
  const result = (await run.json()) as { status: string; outputs: { output_type: string; text?: string }[] };
  expect(result.outputs).toEqual([expect.objectContaining({ output_type: "stream", name: "stdout", text: "{'a': 1} ['fromrun']\n" })]);
  const listed = await page.request.get(`/api/v1/snippets/${user.username}/${slug}/shared`);
  expect(((await listed.json()) as { values: { key: string }[] }).values.map((v) => v.key)).toEqual(["fromrun"]);

  // Code without a snippet has no shared values.
  const bare = await page.request.post("/api/v1/exec", { data: { code: 'try:\n    shared["x"]\nexcept RuntimeError as e:\n    print(e)' } });
  expect(((await bare.json()) as { outputs: { text?: string }[] }).outputs.map((o) => o.text ?? "").join("")).toMatch(/^shared values belong to a snippet/);

  // The internal route, even from this machine: nothing without the service's token.
  const forged = await page.request.post("/api/internal/shared", {
    data: { scope: { snippetId: "x", forkOf: null, actor: null, canWrite: true }, request: { op: "keys" } },
  });
  expect(forged.status()).toBe(401);
  const wrong = await page.request.post("/api/internal/shared", {
    headers: { authorization: "Bearer not-the-token-not-the-token-not-the-token" },
    data: { scope: { snippetId: "x", forkOf: null, actor: null, canWrite: true }, request: { op: "keys" } },
  });
  expect(wrong.status()).toBe(401);
});
