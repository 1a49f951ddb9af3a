/**
 * The web server does not run as root: `npm start` started as root (as the e2e site is, on a
 * machine where the sandbox runs) hands the web server to the unprivileged user `cellar`, and
 * what the site writes afterwards (a new snippet's repository) belongs to that user.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createSnippet, expect, test } from "./fixtures";
import { environOf, listenerPid, uidOf } from "./support/listener";

test("the process answering HTTP is not root, and a snippet created through it is written as its user", async ({ page, user, baseURL }) => {
  void user; // signed in: the snippet is created as this user
  const port = Number(new URL(baseURL!).port);
  const pid = listenerPid(port);
  expect(pid, `no process found listening on port ${port}`).not.toBeNull();
  const uid = uidOf(pid!);
  expect(uid, `the web server (pid ${pid}) runs as root`).not.toBe(0);
  // Started by root, the server runs as the user CELLAR_USER names (`cellar` by default).
  if (process.getuid?.() === 0) expect(environOf(pid!, "USER")).toBe("cellar");

  const created = await createSnippet(page.request, { title: "Written by the web user", files: [{ path: "main.py", content: "print('hi')\n" }] });
  await page.goto(created.path);
  await expect(page.getByRole("heading", { name: "Written by the web user" })).toBeVisible();

  // Every file of the repositories (the new one among them) is the web server's.
  const reposDir = environOf(pid!, "REPOS_DIR");
  expect(reposDir, "the web server's REPOS_DIR").toBeTruthy();
  const owners = new Map<number, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      owners.set(statSync(p).uid, p);
      if (entry.isDirectory()) walk(p);
    }
  };
  walk(reposDir!);
  expect(owners.size, "no files in the repositories folder").toBeGreaterThan(0);
  expect([...owners.keys()]).toEqual([uid]);
});
