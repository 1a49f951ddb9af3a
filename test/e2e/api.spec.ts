/**
 * The JSON API against the real built server. Each test signs up its own accounts through the
 * API and signs in through next-auth's credentials endpoint; the session cookie then
 * authenticates the API calls of that request context.
 */
import { randomBytes } from "node:crypto";
import type { APIRequestContext, APIResponse, PlaywrightWorkerArgs } from "@playwright/test";
import { expect, signIn, signUp, test, uniqueUsername } from "./fixtures";

type TAccount = { username: string; api: APIRequestContext };

/** A fresh account with its own cookie jar. */
async function account(playwright: PlaywrightWorkerArgs["playwright"], baseURL: string | undefined, prefix: string): Promise<TAccount> {
  const api = await playwright.request.newContext({ baseURL });
  const user = { username: uniqueUsername(prefix), password: `pw-${randomBytes(9).toString("hex")}` };
  await signUp(api, user);
  await signIn(api, user);
  return { username: user.username, api };
}

/** The error body of a failed call, checked for the API's one error shape. */
async function errorOf(response: APIResponse, status: number, code: string): Promise<{ code: string; message: string; [k: string]: unknown }> {
  const text = await response.text();
  expect(response.status(), text).toBe(status);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(5);
  return body.error;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0x00]);

test("create, read, edit with a stale base, revisions, delete", async ({ playwright, baseURL }) => {
  const alice = await account(playwright, baseURL, "apia");
  const created = await alice.api.post("/api/v1/snippets", {
    data: {
      title: "Euler vs RK4",
      description: "Two integrators, one ODE.",
      tags: ["ode", "numerics"],
      files: [
        { path: "main.py", content: "from lib.step import euler\nprint(euler(1.0))\n" },
        { path: "lib/step.py", content: "def euler(h):\n    return 1 + h\n" },
        { path: "plot.png", content: { base64: PNG.toString("base64") } },
        { path: "data/two words#1.csv", content: "x,y\n1,2\n" },
      ],
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const snippet = (await created.json()) as { owner: string; slug: string; head: string; url: string };
  expect(snippet).toMatchObject({ owner: alice.username, slug: "euler-vs-rk4" });
  expect(snippet.head).toMatch(/^[0-9a-f]{40}$/);
  expect(snippet.url).toBe(`${baseURL}/${alice.username}/euler-vs-rk4`);
  const at = `/api/v1/snippets/${alice.username}/${snippet.slug}`;

  // Metadata and the file list, with raw links that give the bytes back.
  const meta = await alice.api.get(at);
  expect(meta.status()).toBe(200);
  const metaBody = (await meta.json()) as {
    title: string;
    tags: string[];
    visibility: string;
    head: string;
    files: { path: string; size: number; binary: boolean; raw_url: string }[];
  };
  expect(metaBody).toMatchObject({ title: "Euler vs RK4", tags: ["numerics", "ode"], visibility: "public", head: snippet.head });
  expect(metaBody.files.map((f) => [f.path, f.binary]).sort()).toEqual([
    ["data/two words#1.csv", false],
    ["lib/step.py", false],
    ["main.py", false],
    ["plot.png", true],
  ]);
  const png = metaBody.files.find((f) => f.path === "plot.png")!;
  expect(png.size).toBe(PNG.byteLength);
  const raw = await alice.api.get(png.raw_url);
  expect(raw.status()).toBe(200);
  expect(raw.headers()["content-type"]).toBe("application/octet-stream");
  expect(await raw.body()).toEqual(PNG);
  const rawText = await alice.api.get(metaBody.files.find((f) => f.path === "lib/step.py")!.raw_url);
  expect(rawText.headers()["content-type"]).toContain("text/plain");
  expect(await rawText.text()).toBe("def euler(h):\n    return 1 + h\n");
  // Spaces and '#' in a path survive the trip through the URL.
  const rawCsv = await alice.api.get(metaBody.files.find((f) => f.path.endsWith(".csv"))!.raw_url);
  expect(rawCsv.status()).toBe(200);
  expect(await rawCsv.text()).toBe("x,y\n1,2\n");

  // Contents: text as strings, binary as base64.
  const files = await alice.api.get(`${at}/files`);
  expect(files.status()).toBe(200);
  const filesBody = (await files.json()) as { rev: string; files: { path: string; binary: boolean; content: unknown }[] };
  expect(filesBody.rev).toBe(snippet.head);
  expect(filesBody.files).toContainEqual({ path: "main.py", size: 45, binary: false, content: "from lib.step import euler\nprint(euler(1.0))\n" });
  expect(filesBody.files).toContainEqual({ path: "plot.png", size: PNG.byteLength, binary: true, content: { base64: PNG.toString("base64") } });

  // An edit from the current head makes a new revision.
  const edit = await alice.api.patch(at, {
    data: { base: snippet.head, message: "Smaller step", files: [{ path: "main.py", content: "print(0.5)\n" }], title: "Euler only" },
  });
  expect(edit.status(), await edit.text()).toBe(200);
  const edited = (await edit.json()) as { head: string; changed: boolean };
  expect(edited.changed).toBe(true);
  expect(edited.head).not.toBe(snippet.head);

  // A second edit from the old head is refused with the head to rebase on; nothing changes.
  const stale = await alice.api.patch(at, { data: { base: snippet.head, files: [{ path: "main.py", content: "lost\n" }] } });
  const conflict = await errorOf(stale, 409, "CONFLICT");
  expect(conflict.head).toBe(edited.head);
  const now = (await (await alice.api.get(`${at}/files`)).json()) as { rev: string; files: { path: string; content: unknown }[] };
  expect(now.rev).toBe(edited.head);
  expect(now.files).toEqual([{ path: "main.py", size: 11, binary: false, content: "print(0.5)\n" }]);
  expect(((await (await alice.api.get(at)).json()) as { title: string }).title).toBe("Euler only");

  // The old revision is still there.
  const old = (await (await alice.api.get(`${at}/files?rev=${snippet.head}`)).json()) as { rev: string; files: unknown[] };
  expect(old.rev).toBe(snippet.head);
  expect(old.files).toHaveLength(4);

  const revisions = await alice.api.get(`${at}/revisions`);
  expect(revisions.status()).toBe(200);
  const list = (await revisions.json()) as { oid: string; message: string; author: string; date: string }[];
  expect(list.map((r) => [r.oid, r.message, r.author])).toEqual([
    [edited.head, "Smaller step", alice.username],
    [snippet.head, "Create Euler vs RK4", alice.username],
  ]);
  expect(Number.isNaN(Date.parse(list[0]!.date))).toBe(false);
  expect(list[0]!.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

  // Deleted: gone for everyone, and a second delete finds nothing.
  const deleted = await alice.api.delete(at);
  expect(deleted.status()).toBe(204);
  expect(await deleted.text()).toBe("");
  await errorOf(await alice.api.get(at), 404, "NOT_FOUND");
  await errorOf(await alice.api.delete(at), 404, "NOT_FOUND");
  await alice.api.dispose();
});

test("forks by another user, the network, unlisted snippets and owner-only changes", async ({ playwright, baseURL }) => {
  const alice = await account(playwright, baseURL, "apib");
  const bob = await account(playwright, baseURL, "apic");
  const created = (await (
    await alice.api.post("/api/v1/snippets", {
      data: { title: "Random walks", visibility: "unlisted", files: [{ path: "walk.py", content: "import random\n" }] },
    })
  ).json()) as { slug: string; head: string };
  const at = `/api/v1/snippets/${alice.username}/${created.slug}`;

  // Unlisted: readable by its address, but not in alice's public list.
  expect((await bob.api.get(at)).status()).toBe(200);
  const bobsView = (await (await bob.api.get(`/api/v1/snippets?owner=${alice.username}`)).json()) as { items: unknown[]; page: number; hasNext: boolean };
  expect(bobsView).toEqual({ items: [], page: 1, hasNext: false });
  const alicesView = (await (await alice.api.get(`/api/v1/snippets?owner=${alice.username}`)).json()) as { items: { slug: string }[] };
  expect(alicesView.items.map((s) => s.slug)).toEqual([created.slug]);

  // Reading is allowed, changing is not.
  await errorOf(await bob.api.patch(at, { data: { title: "Mine now" } }), 403, "FORBIDDEN");
  await errorOf(await bob.api.delete(at), 403, "FORBIDDEN");

  const forked = await bob.api.post(`${at}/forks`, { data: { slug: "my-walks" } });
  expect(forked.status(), await forked.text()).toBe(201);
  const fork = (await forked.json()) as { owner: string; slug: string; head: string; url: string };
  expect(fork).toEqual({ owner: bob.username, slug: "my-walks", head: created.head, url: `${baseURL}/${bob.username}/my-walks` });
  const forkAt = `/api/v1/snippets/${bob.username}/my-walks`;
  const forkMeta = (await (await bob.api.get(forkAt)).json()) as { forkedFrom: unknown; title: string };
  expect(forkMeta).toMatchObject({ title: "Random walks", forkedFrom: { owner: alice.username, slug: created.slug, deleted: false } });

  // A fork needs no body; the second one picks the next free name.
  const again = await bob.api.post(`${at}/forks`);
  expect(again.status(), await again.text()).toBe(201);
  expect(((await again.json()) as { slug: string }).slug).toBe(created.slug);
  await errorOf(await bob.api.post(`${at}/forks`, { data: { slug: "my-walks" } }), 409, "CONFLICT");

  // The fork keeps alice's revision and adds bob's.
  const edit = await bob.api.patch(forkAt, {
    data: { base: fork.head, files: [{ path: "walk.py", content: "import random\nrandom.seed(1)\n" }], visibility: "public" },
  });
  expect(edit.status(), await edit.text()).toBe(200);
  const authors = ((await (await bob.api.get(`${forkAt}/revisions`)).json()) as { author: string }[]).map((r) => r.author);
  expect(authors).toEqual([bob.username, alice.username]);

  const network = await bob.api.get(`${at}/forks`);
  expect(network.status()).toBe(200);
  const tree = (await network.json()) as { ancestors: unknown[]; tree: { owner: string; slug: string; forks: { owner: string; slug: string }[] } };
  expect(tree.ancestors).toEqual([]);
  expect(tree.tree).toMatchObject({ owner: alice.username, slug: created.slug });
  // Only public forks are shown in a network; bob's second fork kept the unlisted visibility.
  expect(tree.tree.forks.map((f) => `${f.owner}/${f.slug}`)).toEqual([`${bob.username}/my-walks`]);
  const fromFork = (await (await bob.api.get(`${forkAt}/forks`)).json()) as { ancestors: { owner: string; slug: string }[] };
  expect(fromFork.ancestors).toMatchObject([{ owner: alice.username, slug: created.slug }]);

  await alice.api.dispose();
  await bob.api.dispose();
});

test("errors: bad JSON, bad fields, no or bad credentials, missing snippets, bodies too large", async ({ playwright, baseURL, request }) => {
  const alice = await account(playwright, baseURL, "apid");
  const good = { title: "Limits", files: [{ path: "a.txt", content: "a\n" }] };

  const badJson = await alice.api.post("/api/v1/snippets", { headers: { "content-type": "application/json" }, data: Buffer.from('{"title": "oops",') });
  await errorOf(badJson, 400, "BAD_REQUEST");
  const notObject = await errorOf(await alice.api.post("/api/v1/snippets", { data: ["title"] }), 422, "INVALID");
  expect(notObject.message).toBe("The request body must be a JSON object.");

  const badField = await errorOf(await alice.api.post("/api/v1/snippets", { data: { ...good, visibility: "secret" } }), 422, "INVALID");
  expect(badField.message).toMatch(/^visibility: /);
  const badFile = await errorOf(
    await alice.api.post("/api/v1/snippets", { data: { title: "x", files: [{ path: "a.txt", content: { base64: "not base64!" } }] } }),
    422,
    "INVALID",
  );
  expect(badFile.message).toMatch(/^files\.0\.content/);
  const badPath = await errorOf(
    await alice.api.post("/api/v1/snippets", { data: { title: "x", files: [{ path: "../escape.py", content: "" }] } }),
    422,
    "INVALID",
  );
  expect(badPath.message).toContain("../escape.py");
  const badPage = await errorOf(await alice.api.get("/api/v1/snippets?page=0"), 422, "INVALID");
  expect(badPage.message).toMatch(/^page: /);

  // `request` has no session cookie.
  await errorOf(await request.post("/api/v1/snippets", { data: good }), 401, "UNAUTHORIZED");
  await errorOf(await request.post("/api/v1/snippets", { data: good, headers: { authorization: "Bearer cellar_not-a-real-token" } }), 401, "UNAUTHORIZED");
  await errorOf(await request.get(`/api/v1/snippets/${alice.username}/nothing-here`), 404, "NOT_FOUND");
  await errorOf(await request.get(`/api/v1/snippets/nobody-${randomBytes(4).toString("hex")}/x/files`), 404, "NOT_FOUND");

  // One file over 1 MB: refused by the snippet rules, with the file named.
  const bigFile = await errorOf(
    await alice.api.post("/api/v1/snippets", { data: { title: "Big", files: [{ path: "big.txt", content: "x".repeat(1_100_000) }] } }),
    413,
    "TOO_LARGE",
  );
  expect(bigFile.message).toContain("big.txt");
  // A body over 8 MB: refused before it is parsed.
  const huge = "y".repeat(9 * 1024 * 1024);
  await errorOf(await alice.api.post("/api/v1/snippets", { data: { title: "Huge", files: [{ path: "h.txt", content: huge }] } }), 413, "TOO_LARGE");

  // The same without a Content-Length (chunked upload): refused while reading. Node's fetch,
  // because Playwright always sends the length.
  const chunks = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 9; i++) controller.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
      controller.close();
    },
  });
  // `duplex` is required by Node for a streamed body but missing from the DOM RequestInit type.
  const chunked = await fetch(`${baseURL}/api/v1/snippets`, { method: "POST", body: chunks, duplex: "half" } as RequestInit);
  expect(chunked.status).toBe(413);
  expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe("TOO_LARGE");

  // Nothing was created by any of the refused requests.
  const mine = (await (await alice.api.get(`/api/v1/snippets?owner=${alice.username}`)).json()) as { items: unknown[] };
  expect(mine.items).toEqual([]);
  await alice.api.dispose();
});
