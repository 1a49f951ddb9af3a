/**
 * git over HTTP against the real built site: the address shown under "Clone with git" is the one
 * the real git client clones (through proxy.ts's rewrite, also in another spelling of the
 * owner's name), and the owner pushes to it with a token made on the settings page; the page
 * then shows the pushed revision.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures";

function git(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const env = {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_TERMINAL_PROMPT: "0",
      GIT_AUTHOR_NAME: "E2E",
      GIT_AUTHOR_EMAIL: "e2e@example.com",
      GIT_COMMITTER_NAME: "E2E",
      GIT_COMMITTER_EMAIL: "e2e@example.com",
    } as unknown as NodeJS.ProcessEnv;
    execFile("git", args, { cwd, env }, (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr }));
  });
}

test("clone from the address the page shows, push with a token, and see the pushed revision", async ({ page, user }) => {
  const work = mkdtempSync(path.join(tmpdir(), "cellar-e2e-git-"));
  try {
    const created = await page.request.post("/api/v1/snippets", { data: { title: "Cloned", files: [{ path: "main.py", content: "print('web')\n" }] } });
    expect(created.status(), await created.text()).toBe(201);
    const { slug } = (await created.json()) as { slug: string };

    await page.goto(`/${user.username}/${slug}`);
    const url = await page.getByRole("textbox", { name: "Clone with git" }).inputValue();
    expect(url).toMatch(new RegExp(`/${user.username}/${slug}\\.git$`));
    // The page names the site's public origin; the test server listens on the test's port.
    const address = new URL(url);
    const site = new URL(page.url()).origin;
    const cloneUrl = `${site}${address.pathname}`;

    const clone = await git(["clone", cloneUrl, "snippet"], work);
    expect(clone.stderr).not.toMatch(/fatal/);
    const dir = path.join(work, "snippet");
    expect(readFileSync(path.join(dir, "main.py"), "utf8")).toBe("print('web')\n");

    // Another spelling of the owner's name: no redirect to the lower-case page for git.
    const upper = await git(["clone", `${site}/${user.username.toUpperCase()}/${slug}.git`, "upper"], work);
    expect(upper.code, upper.stderr).toBe(0);

    await page.goto("/settings/tokens");
    await page.getByLabel("Token name").fill("git push");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
    expect(token).toMatch(/^cellar_/);

    writeFileSync(path.join(dir, "main.py"), "print('pushed')\n");
    expect((await git(["commit", "-qam", "Pushed with git"], dir)).code).toBe(0);
    const withToken = `${site.replace("://", `://${user.username}:${token}@`)}${address.pathname}`;
    const push = await git(["push", withToken, "main"], dir);
    expect(push.code, push.stderr).toBe(0);

    await page.goto(`/${user.username}/${slug}`);
    await expect(page.getByText("print('pushed')")).toBeVisible();
    await page.goto(`/${user.username}/${slug}/history`);
    await expect(page.getByText("Pushed with git", { exact: true })).toBeVisible();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
