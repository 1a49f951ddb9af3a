/**
 * Issue 5's fork network in a real browser: a snippet forked and changed by someone else shows
 * the fork and its commits in "Network activity" on the source's page, the fork network tree
 * says how far the fork is ahead and behind, Compare shows the fork's own commits and the diff,
 * and the forker's page lists what they did.
 */
import type { APIRequestContext } from "@playwright/test";
import { createSnippet, expect, signedInContext, test } from "./fixtures";

async function commit(api: APIRequestContext, at: string, base: string, message: string, content: string): Promise<string> {
  const res = await api.patch(`/api/v1/snippets${at}`, { data: { base, message, files: [{ path: "wave.py", content }] } });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { head: string }).head;
}

test("open the fork network, see a fork's commits ahead, and compare with it", async ({ page, user, browser, baseURL }) => {
  const {
    path: source,
    slug,
    head,
  } = await createSnippet(page.request, { title: "Wave equation", files: [{ path: "wave.py", content: "c = 1.0\nsteps = 100\n" }] });

  // Bob forks it and makes two revisions of his own; then the owner makes one more.
  const bob = await signedInContext(browser, baseURL, "bob");
  const forked = await bob.page.request.post(`/api/v1/snippets${source}/forks`, { data: {} });
  expect(forked.status(), await forked.text()).toBe(201);
  const fork = `/${bob.username}/${slug}`;
  let forkHead = ((await forked.json()) as { head: string }).head;
  forkHead = await commit(bob.page.request, fork, forkHead, "Faster waves", "c = 2.0\nsteps = 100\n");
  await commit(bob.page.request, fork, forkHead, "Longer run", "c = 2.0\nsteps = 400\n");
  await commit(page.request, source, head, "Name the speed", "c = 1.0  # speed\nsteps = 100\n");

  // The source's page (cached, revalidated by each write in the network) shows the network's activity.
  await page.goto(source);
  const activity = page.getByRole("list", { name: "Recent activity in this fork network" });
  await expect(activity).toContainText(`${bob.username} forked ${user.username}/${slug} as ${bob.username}/${slug}`);
  await expect(activity).toContainText(`${bob.username} committed Longer run`);
  await expect(activity.getByRole("listitem").first()).toContainText("Name the speed");
  await expect(page.locator(".credits")).toContainText(`Primary author ${user.username}`);

  // The fork network, seen from the source.
  await page.getByRole("link", { name: /^Forks/ }).click();
  await expect(page).toHaveURL(new RegExp(`${source}/forks$`));
  const tree = page.getByRole("list", { name: "Fork network" });
  const forkRow = tree.locator(`[data-snippet="${bob.username}/${slug}"]`);
  await expect(forkRow).toContainText(`2 commits ahead, 1 commit behind of ${user.username}/${slug}`);
  await expect(forkRow).toContainText("latest commit");
  await expect(forkRow).toContainText("Longer run");
  await expect(tree.locator('[aria-current="page"]')).toContainText(`${user.username}/${slug}`);

  // The network's whole activity has its own page.
  await page.getByRole("link", { name: "Activity in this network →" }).click();
  await expect(page.getByRole("list", { name: "Activity in this fork network" }).getByRole("listitem")).toHaveCount(5);
  await page.goBack();

  // Compare with the fork: its own commits and the diff from the source's files to its files.
  await forkRow.getByRole("link", { name: "Compare" }).click();
  await expect(page).toHaveURL(new RegExp(`${source}/forks/compare/${bob.username}/${slug}$`));
  await expect(page.getByRole("status")).toContainText(`${bob.username}/${slug} is 2 commits ahead and 1 commit behind of ${user.username}/${slug}.`);
  const own = page.getByRole("region", { name: `2 commits only in ${bob.username}/${slug}` });
  await expect(own.locator(".revision-message")).toHaveText(["Longer run", "Faster waves"]);
  const diff = page.getByRole("region", { name: "Modified: wave.py" });
  await expect(diff.locator(".diff-table__row--removed")).toHaveText([/c = 1\.0 {2}# speed/, /steps = 100/]);
  await expect(diff.locator(".diff-table__row--added")).toHaveText([/c = 2\.0/, /steps = 400/]);

  // The other way round, from the fork: the source is one commit ahead of it.
  await page.getByRole("link", { name: "Compare the other way" }).click();
  await expect(page.getByRole("status")).toContainText(`${user.username}/${slug} is 1 commit ahead and 2 commits behind of ${bob.username}/${slug}.`);

  // Bob's page lists what he did, newest first.
  await page.goto(`/${bob.username}`);
  const bobs = page.getByRole("list", { name: `Recent activity of ${bob.username}` });
  await expect(bobs.getByRole("listitem")).toHaveCount(3);
  await expect(bobs.getByRole("listitem").first()).toContainText("committed Longer run");
  await expect(bobs.getByRole("listitem").last()).toContainText(`forked ${user.username}/${slug}`);
  await bob.context.close();
});
