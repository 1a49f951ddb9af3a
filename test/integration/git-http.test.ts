/**
 * `git clone` and `git push` over smart HTTP, with the real git client against the real route
 * handler (app/api/git) behind a plain HTTP server that does what the site's server and proxy.ts
 * do for git URLs (stamps the peer address, rewrites `/<owner>/<slug>.git/...`). Real database,
 * real repositories, real `git http-backend` and pre-receive hook.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as gitGet, POST as gitPost } from "@/app/api/git/[owner]/[slug]/[...path]/route";
import { GET as apiGetSnippet } from "@/app/api/v1/snippets/[owner]/[slug]/route";
import { stampPeer } from "@/lib/auth/peer-header";
import { getDb } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { gitRoutePath } from "@/lib/http/git-path";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { deleteSnippet } from "@/lib/snippets/delete-snippet";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { listSnippetRevisions } from "@/lib/snippets/list-revisions";
import type { TActor } from "@/lib/snippets/schema";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import { createToken } from "@/lib/tokens/create-token";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

let server: Server;
let site: string;
const work = mkdtempSync(path.join(tmpdir(), "cellar-git-http-"));

beforeAll(async () => {
  server = createServer((req, res) => {
    stampPeer(req);
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const route = gitRoutePath(url.pathname);
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      const [, , , owner = "", slug = "", ...rest] = route.split("/");
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const method = req.method ?? "GET";
      const request = new Request(`http://127.0.0.1${route}${url.search}`, {
        method,
        headers,
        ...(method === "POST" ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
      } as RequestInit);
      const handler = method === "POST" ? gitPost : gitGet;
      const response = await handler(request, { params: Promise.resolve({ owner, slug, path: rest }) });
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      res.end();
    })().catch((e: unknown) => {
      console.error(e);
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  site = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(work, { recursive: true, force: true });
});

/** Runs the real git client (asynchronously: the server answering it lives in this process). */
function git(args: string[], cwd = work): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "git",
      args,
      {
        cwd,
        env: {
          PATH: process.env.PATH,
          HOME: work,
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_TERMINAL_PROMPT: "0",
          GIT_AUTHOR_NAME: "Tester",
          GIT_AUTHOR_EMAIL: "tester@example.com",
          GIT_COMMITTER_NAME: "Tester",
          GIT_COMMITTER_EMAIL: "tester@example.com",
        } as unknown as NodeJS.ProcessEnv,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function newUser(prefix: string): Promise<TActor> {
  const user = await createUser({ username: uniqueName(prefix), password: "correct horse battery" });
  return { id: user.id, username: user.username };
}

async function tokenOf(actor: TActor): Promise<string> {
  return (await createToken({ actor, name: uniqueName("git") })).token;
}

/** A snippet with three revisions. */
async function snippetWithHistory(actor: TActor, visibility: "public" | "unlisted" = "public") {
  const created = await createSnippet({ actor, title: uniqueName("Git"), visibility, files: [{ path: "main.py", content: "print(1)\n" }], message: "First" });
  const second = await updateSnippet({
    actor,
    owner: actor.username,
    slug: created.slug,
    base: created.head,
    message: "Second",
    files: [
      { path: "main.py", content: "print(2)\n" },
      { path: "lib/util.py", content: "X = 2\n" },
    ],
  });
  const third = await updateSnippet({
    actor,
    owner: actor.username,
    slug: created.slug,
    base: second.head,
    message: "Third",
    files: [
      { path: "main.py", content: "print(3)\n" },
      { path: "lib/util.py", content: "X = 3\n" },
    ],
  });
  return { slug: created.slug, head: third.head };
}

/** Clones `owner/slug` into a fresh folder; the URL carries credentials when given. */
async function clone(owner: string, slug: string, auth?: { user: string; token: string }) {
  const dir = path.join(work, uniqueName("clone"));
  const origin = auth ? site.replace("http://", `http://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.token)}@`) : site;
  const result = await git(["clone", `${origin}/${owner}/${slug}.git`, dir]);
  return { dir, ...result };
}

async function commitAll(dir: string, message: string) {
  expect((await git(["add", "-A"], dir)).code).toBe(0);
  const r = await git(["commit", "-q", "-m", message], dir);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
}

let readerToken: string | undefined;

/** The head the API answers for a snippet, asked as an unrelated reader (a token: no session outside Next). */
async function apiHead(owner: string, slug: string): Promise<string> {
  readerToken ??= await tokenOf(await newUser("reader"));
  const request = new Request(`${site}/api/v1/snippets/${owner}/${slug}`, { headers: { authorization: `Bearer ${readerToken}` } });
  const response = await apiGetSnippet(request, { params: Promise.resolve({ owner, slug }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { head: string }).head;
}

describe("git clone over HTTP", () => {
  it("clones a snippet with its whole history, matching the site's files and revisions", async () => {
    const alice = await newUser("alice");
    const { slug, head } = await snippetWithHistory(alice);
    const { dir, code, stderr } = await clone(alice.username, slug);
    expect(stderr).not.toMatch(/fatal/);
    expect(code).toBe(0);
    expect(readFileSync(path.join(dir, "main.py"), "utf8")).toBe("print(3)\n");
    expect(readFileSync(path.join(dir, "lib/util.py"), "utf8")).toBe("X = 3\n");
    const log = (await git(["log", "--format=%H %s"], dir)).stdout.trim().split("\n");
    const revisions = await listSnippetRevisions({ owner: alice.username, slug });
    expect(log).toEqual(revisions.map((r) => `${r.oid} ${r.message}`));
    expect(log[0]).toBe(`${head} Third`);
    expect(log).toHaveLength(3);
  });

  it("clones an unlisted snippet by its URL, and answers git's 'not found' for a deleted or missing one", async () => {
    const bob = await newUser("bob");
    const unlisted = await snippetWithHistory(bob, "unlisted");
    const ok = await clone(bob.username, unlisted.slug);
    expect(ok.code).toBe(0);
    expect(readFileSync(path.join(ok.dir, "main.py"), "utf8")).toBe("print(3)\n");

    const gone = await snippetWithHistory(bob);
    await deleteSnippet({ actor: bob, owner: bob.username, slug: gone.slug });
    const deleted = await clone(bob.username, gone.slug);
    expect(deleted.code).not.toBe(0);
    expect(deleted.stderr).toMatch(/not found/);
    expect(existsSync(deleted.dir)).toBe(false);

    const missing = await clone(bob.username, "no-such-snippet");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/not found/);
  });
});

describe("git push over HTTP", () => {
  it("adds the owner's pushed revisions: the API shows the new head and the history grows", async () => {
    const carol = await newUser("carol");
    const token = await tokenOf(carol);
    const { slug } = await snippetWithHistory(carol);
    const { dir } = await clone(carol.username, slug, { user: carol.username, token });
    writeFileSync(path.join(dir, "main.py"), "print(4)\n");
    await commitAll(dir, "Fourth, from git");
    writeFileSync(path.join(dir, "notes.md"), "# Notes\n");
    await commitAll(dir, "Fifth, from git");
    const pushed = await git(["push", "origin", "main"], dir);
    expect(pushed.stderr).not.toMatch(/rejected|error|fatal/);
    expect(pushed.code).toBe(0);

    const local = (await git(["rev-parse", "HEAD"], dir)).stdout.trim();
    expect(await apiHead(carol.username, slug)).toBe(local);
    const revisions = await listSnippetRevisions({ owner: carol.username, slug });
    expect(revisions.map((r) => r.message).slice(0, 3)).toEqual(["Fifth, from git", "Fourth, from git", "Third"]);
    const shown = await getSnippet({ owner: carol.username, slug });
    expect(shown.files.find((f) => f.path === "main.py")?.text).toBe("print(4)\n");
    expect(shown.files.map((f) => f.path).sort()).toEqual(["lib/util.py", "main.py", "notes.md"]);
    // Activity and the storage counter follow the push as they follow a web edit.
    const row = await getDb().snippet.findFirstOrThrow({ where: { slug, ownerId: carol.id }, select: { id: true, storageBytes: true } });
    const activity = await getDb().activity.findFirst({ where: { snippetId: row.id, kind: "COMMIT", rev: local } });
    expect(activity).not.toBeNull();
    expect(row.storageBytes).toBeGreaterThan(0);
  });

  it("takes a push of many revisions at once, which git keeps as a pack, and the site reads it", async () => {
    const ivan = await newUser("ivan");
    const token = await tokenOf(ivan);
    const { slug } = await snippetWithHistory(ivan);
    const { dir } = await clone(ivan.username, slug, { user: ivan.username, token });
    // 40 revisions of 3 objects each: past git's receive.unpackLimit (100), so no loose objects.
    for (let i = 0; i < 40; i++) {
      writeFileSync(path.join(dir, "main.py"), `print(${i})\n`);
      await commitAll(dir, `Step ${i}`);
    }
    const pushed = await git(["push", "origin", "main"], dir);
    expect(pushed.code, pushed.stderr).toBe(0);
    const revisions = await listSnippetRevisions({ owner: ivan.username, slug });
    expect(revisions).toHaveLength(43);
    expect(revisions[0]?.message).toBe("Step 39");
    expect((await getSnippet({ owner: ivan.username, slug })).files.find((f) => f.path === "main.py")?.text).toBe("print(39)\n");
    expect(await apiHead(ivan.username, slug)).toBe((await git(["rev-parse", "HEAD"], dir)).stdout.trim());
  });

  it("asks for credentials (401) without a valid token, and refuses someone else (403)", async () => {
    const dave = await newUser("dave");
    const mallory = await newUser("mallory");
    const { slug, head } = await snippetWithHistory(dave);

    const anonymous = await clone(dave.username, slug);
    writeFileSync(path.join(anonymous.dir, "main.py"), "print('anon')\n");
    await commitAll(anonymous.dir, "Anonymous");
    const noCredentials = await git(["push", "origin", "main"], anonymous.dir);
    expect(noCredentials.code).not.toBe(0);
    // With no terminal git cannot ask: it says so after the 401's WWW-Authenticate.
    expect(noCredentials.stderr).toMatch(/could not read Username|Authentication failed/);

    const badToken = await git(
      ["push", `${site.replace("http://", `http://${dave.username}:cellar_not-a-token@`)}/${dave.username}/${slug}.git`, "main"],
      anonymous.dir,
    );
    expect(badToken.code).not.toBe(0);
    expect(badToken.stderr).toMatch(/Authentication failed/);

    // A valid token of someone else, under the owner's name: still not the owner.
    const malloryToken = await tokenOf(mallory);
    const wrongName = await git(
      ["push", `${site.replace("http://", `http://${dave.username}:${malloryToken}@`)}/${dave.username}/${slug}.git`, "main"],
      anonymous.dir,
    );
    expect(wrongName.stderr).toMatch(/Authentication failed/);

    const notOwner = await git(
      ["push", `${site.replace("http://", `http://${mallory.username}:${malloryToken}@`)}/${dave.username}/${slug}.git`, "main"],
      anonymous.dir,
    );
    expect(notOwner.code).not.toBe(0);
    expect(notOwner.stderr).toMatch(/403/);

    expect(await apiHead(dave.username, slug)).toBe(head);
  });

  it("answers in plain words: 401 with WWW-Authenticate, 413 for a push over the size cap, 404 for other paths", async () => {
    const judy = await newUser("judy");
    const token = await tokenOf(judy);
    const { slug } = await snippetWithHistory(judy);
    const params = (p: string[]) => ({ params: Promise.resolve({ owner: judy.username, slug, path: p }) });
    const at = (p: string) => `${site}/api/git/${judy.username}/${slug}/${p}`;

    const anonymous = await gitGet(new Request(at("info/refs?service=git-receive-pack")), params(["info", "refs"]));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic realm="Cellar"/);
    expect(await anonymous.text()).toMatch(/API token/);

    const basic = `Basic ${Buffer.from(`${judy.username}:${token}`).toString("base64")}`;
    const huge = await gitPost(
      new Request(at("git-receive-pack"), {
        method: "POST",
        headers: { authorization: basic, "content-type": "application/x-git-receive-pack-request", "content-length": String(40 * 1024 * 1024) },
        body: "0000",
      }),
      params(["git-receive-pack"]),
    );
    expect(huge.status).toBe(413);
    expect(await huge.text()).toMatch(/larger than 32 MB/);

    const dumb = await gitGet(new Request(at("HEAD")), params(["HEAD"]));
    expect(dumb.status).toBe(404);
    const wrongMethod = await gitGet(new Request(at("git-upload-pack")), params(["git-upload-pack"]));
    expect(wrongMethod.status).toBe(404);
  });

  it("refuses a non-fast-forward push, even forced, and keeps the site's history", async () => {
    const erin = await newUser("erin");
    const token = await tokenOf(erin);
    const { slug, head } = await snippetWithHistory(erin);
    const { dir } = await clone(erin.username, slug, { user: erin.username, token });
    await git(["reset", "-q", "--hard", "HEAD~1"], dir);
    writeFileSync(path.join(dir, "main.py"), "print('rewritten')\n");
    await commitAll(dir, "Rewrite history");
    const plain = await git(["push", "origin", "main"], dir);
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/rejected/);
    const forced = await git(["push", "--force", "origin", "main"], dir);
    expect(forced.code).not.toBe(0);
    expect(forced.stderr).toMatch(/non-fast-forward/);
    expect(await apiHead(erin.username, slug)).toBe(head);
    expect((await listSnippetRevisions({ owner: erin.username, slug })).map((r) => r.message)).toEqual(["Third", "Second", "First"]);
  });

  it("refuses revisions the editor would refuse, naming the file: too large, a symbolic link, a submodule, a too-long name", async () => {
    const frank = await newUser("frank");
    const token = await tokenOf(frank);
    const { slug, head } = await snippetWithHistory(frank);
    const { dir } = await clone(frank.username, slug, { user: frank.username, token });

    const attempt = async (change: () => void | Promise<void>, message: string, stage = true) => {
      await git(["reset", "-q", "--hard", head], dir);
      await change();
      if (stage) await commitAll(dir, message);
      else expect((await git(["commit", "-q", "-m", message], dir)).code).toBe(0);
      return git(["push", "origin", "main"], dir);
    };

    // Too large, and only in an intermediate revision: every pushed revision is checked.
    const big = await attempt(async () => {
      writeFileSync(path.join(dir, "big.bin"), Buffer.alloc(1_000_001, 7));
      await commitAll(dir, "Big");
      rmSync(path.join(dir, "big.bin"));
    }, "Small again");
    expect(big.code).not.toBe(0);
    expect(big.stderr).toMatch(/remote: .*"big\.bin" is 1000001 bytes; the limit is 1 MB/);

    const link = await attempt(() => symlinkSync("/etc/passwd", path.join(dir, "passwd")), "Link");
    expect(link.code).not.toBe(0);
    expect(link.stderr).toMatch(/remote: .*"passwd": a symbolic link/);

    const submodule = await attempt(
      async () => {
        // A gitlink with no folder behind it: `git add -A` would drop it again, so commit the index as it is.
        expect((await git(["update-index", "--add", "--cacheinfo", `160000,${head},vendored`], dir)).code).toBe(0);
      },
      "Submodule",
      false,
    );
    expect(submodule.code).not.toBe(0);
    expect(submodule.stderr).toMatch(/remote: .*"vendored": a submodule/);

    const longName = "n".repeat(130); // "n…n/n…n.py": 264 bytes
    const long = await attempt(() => {
      mkdirSync(path.join(dir, longName));
      writeFileSync(path.join(dir, longName, `${longName}.py`), "x = 1\n");
    }, "Long name");
    expect(long.code).not.toBe(0);
    expect(long.stderr).toMatch(/remote: .*the limit is 255/);

    expect(await apiHead(frank.username, slug)).toBe(head);
    expect(await listSnippetRevisions({ owner: frank.username, slug })).toHaveLength(3);
  });

  it("refuses a push past the owner's storage quota, charging and keeping nothing", async () => {
    const heidi = await newUser("heidi");
    const token = await tokenOf(heidi);
    const { slug, head } = await snippetWithHistory(heidi);
    const { dir } = await clone(heidi.username, slug, { user: heidi.username, token });
    const used = async () => (await getDb().user.findUniqueOrThrow({ where: { id: heidi.id }, select: { storageBytes: true } })).storageBytes;
    const before = await used();
    writeFileSync(path.join(dir, "data.txt"), `${uniqueName("data")}\n${"x".repeat(60_000)}`);
    await commitAll(dir, "Too much for the quota");
    process.env.USER_STORAGE_BYTES = String(before + 50_000);
    resetEnvForTests();
    try {
      const pushed = await git(["push", "origin", "main"], dir);
      expect(pushed.code).not.toBe(0);
      expect(pushed.stderr).toMatch(/remote: Cellar refused this push: Your snippets use .* this change needs/);
    } finally {
      delete process.env.USER_STORAGE_BYTES;
      resetEnvForTests();
    }
    expect(await used()).toBe(before);
    expect(await apiHead(heidi.username, slug)).toBe(head);
    // Within the quota again, the same push goes through and is charged.
    const again = await git(["push", "origin", "main"], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(await used()).toBeGreaterThan(before + 60_000);
  });

  it("never loses a revision when a web edit and a push race: one wins, the other is refused", async () => {
    const grace = await newUser("grace");
    const token = await tokenOf(grace);
    const { slug, head } = await snippetWithHistory(grace);
    for (let round = 0; round < 3; round++) {
      const base = await apiHead(grace.username, slug);
      const { dir } = await clone(grace.username, slug, { user: grace.username, token });
      writeFileSync(path.join(dir, "main.py"), `print('push ${round}')\n`);
      await commitAll(dir, `Push ${round}`);
      const [pushed, edited] = await Promise.all([
        git(["push", "origin", "main"], dir),
        updateSnippet({
          actor: grace,
          owner: grace.username,
          slug,
          base,
          message: `Web ${round}`,
          files: [{ path: "main.py", content: `print('web ${round}')\n` }],
        }).then(
          (r) => ({ ok: true as const, head: r.head }),
          (e: unknown) => ({ ok: false as const, error: e }),
        ),
      ]);
      const pushWon = pushed.code === 0;
      // Exactly one of them made the revision after `base`; the other was told so.
      expect(pushWon !== edited.ok).toBe(true);
      const revisions = await listSnippetRevisions({ owner: grace.username, slug });
      expect(revisions[1]?.oid).toBe(base);
      expect(revisions[0]?.message).toBe(pushWon ? `Push ${round}` : `Web ${round}`);
      expect(await apiHead(grace.username, slug)).toBe(revisions[0]?.oid);
    }
    expect((await listSnippetRevisions({ owner: grace.username, slug })).length).toBe(6);

    // The other order, one after the other: a push lands, then an edit started before it is a 409.
    const base = await apiHead(grace.username, slug);
    const { dir } = await clone(grace.username, slug, { user: grace.username, token });
    writeFileSync(path.join(dir, "main.py"), "print('pushed first')\n");
    await commitAll(dir, "Pushed first");
    expect((await git(["push", "origin", "main"], dir)).code).toBe(0);
    const stale = await updateSnippet({ actor: grace, owner: grace.username, slug, base, files: [{ path: "main.py", content: "print('late')\n" }] }).catch(
      (e: unknown) => e,
    );
    expect(stale).toMatchObject({ code: "CONFLICT" });
    const revisions = await listSnippetRevisions({ owner: grace.username, slug });
    expect(revisions[0]?.message).toBe("Pushed first");
    expect(revisions).toHaveLength(7);
    expect(revisions.at(-1)?.message).toBe("First");
    expect(revisions[4]?.oid).toBe(head);
  });
});
