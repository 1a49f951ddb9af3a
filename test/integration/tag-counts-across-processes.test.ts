/**
 * Cached tag counts across processes, on PostgreSQL: this test process reads counts through
 * cachedTagCounts like a server does, while a second Node process (test/support/snippet-writer.ts,
 * "another server" on the same database) writes through the real snippet operations. Each write
 * must reach this process's cache by NOTIFY/LISTEN, without forgetTagCounts here and long before
 * the one-minute TTL, also after the listening connection was dropped.
 *
 * Skipped on PGlite: a PGlite directory is owned by one process (lib/db/pglite-lock.ts), so
 * there is no other writer; in-process forgetting is tested in tags.test.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { LISTENER_APPLICATION_NAME } from "@/lib/db/notifications";
import type { TActor } from "@/lib/snippets/schema";
import { cachedTagCounts, listenForTagCounts } from "@/lib/tags/cached-tag-counts";
import { createUser } from "@/lib/users/create-user";
import type { TWriterCommand } from "@/test/support/snippet-writer";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

const ROOT_DIR = fileURLToPath(new URL("../..", import.meta.url));
/** Well under the 60 s TTL, well over a notification's round trip (milliseconds). */
const SEEN_WITHIN = { timeout: 5_000, interval: 50 };

type TWriter = { send(command: TWriterCommand): Promise<unknown>; stop(): Promise<void> };

/** Starts the other process; its settings (DATABASE_URL, REPOS_DIR, ...) are this worker's. */
function startWriter(): TWriter {
  const child: ChildProcess = spawn(
    process.execPath,
    [`${ROOT_DIR}node_modules/tsx/dist/cli.mjs`, "--conditions=react-server", `${ROOT_DIR}test/support/snippet-writer.ts`],
    {
      cwd: ROOT_DIR,
      env: process.env,
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  if (!child.stdin || !child.stdout) throw new Error("The writer process has no pipes.");
  const { stdin } = child;
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async send(command) {
      stdin.write(`${JSON.stringify(command)}\n`);
      const next = await answers.next();
      if (next.done) throw new Error(`The writer process ended (exit code ${child.exitCode}).`);
      const answer = JSON.parse(next.value) as { ok: true; result: unknown } | { ok: false; error: string };
      if (!answer.ok) throw new Error(`The writer process failed: ${answer.error}`);
      return answer.result;
    },
    async stop() {
      if (child.exitCode !== null) return;
      stdin.end();
      await once(child, "exit");
    },
  };
}

async function newUser(prefix: string): Promise<TActor> {
  const user = await createUser({ username: uniqueName(prefix), password: "correct horse battery" });
  return { id: user.id, username: user.username };
}

/** Backend pids of this database's listening connections (this worker holds the only one). */
async function listenerPids(): Promise<number[]> {
  const rows = await getDb().$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${LISTENER_APPLICATION_NAME}`;
  return rows.map((r) => r.pid);
}

describe.skipIf(!process.env.DATABASE_URL)("tag counts across processes (PostgreSQL only: a PGlite database has a single owning process)", () => {
  let writer: TWriter;
  beforeAll(() => {
    writer = startWriter();
  });
  afterAll(async () => {
    await writer?.stop();
  });

  it("are forgotten when another process creates, forks, retags, hides, shows or deletes a tagged public snippet", async () => {
    const root = uniqueName("across");
    const ada = await newUser("ada");
    const bob = await newUser("bob");
    const counts = async () => Object.fromEntries(await cachedTagCounts(root));
    await listenForTagCounts();
    expect(await counts()).toEqual({});

    const created = (await writer.send({ op: "create", actor: ada, title: "Elsewhere", tags: [`${root}/a`] })) as { id: string; slug: string };
    await expect.poll(counts, SEEN_WITHIN).toEqual({ [root]: 1, [`${root}/a`]: 1 });

    // The counts are really cached: a change nobody announces is not seen...
    await getDb().snippetTag.deleteMany({ where: { snippetId: created.id } });
    expect(await counts()).toEqual({ [root]: 1, [`${root}/a`]: 1 });
    // ...while each announced one is.
    await writer.send({ op: "update", actor: ada, slug: created.slug, tags: [`${root}/b`] });
    await expect.poll(counts, SEEN_WITHIN).toEqual({ [root]: 1, [`${root}/b`]: 1 });
    await writer.send({ op: "update", actor: ada, slug: created.slug, visibility: "unlisted" });
    await expect.poll(counts, SEEN_WITHIN).toEqual({});
    await writer.send({ op: "update", actor: ada, slug: created.slug, visibility: "public" });
    await expect.poll(counts, SEEN_WITHIN).toEqual({ [root]: 1, [`${root}/b`]: 1 });
    await writer.send({ op: "fork", actor: bob, owner: ada.username, slug: created.slug });
    await expect.poll(counts, SEEN_WITHIN).toEqual({ [root]: 2, [`${root}/b`]: 2 });
    await writer.send({ op: "delete", actor: ada, slug: created.slug });
    await expect.poll(counts, SEEN_WITHIN).toEqual({ [root]: 1, [`${root}/b`]: 1 });
  });

  it("keep being forgotten after the listening connection is dropped", async () => {
    const root = uniqueName("dropped");
    const ada = await newUser("ada");
    const counts = async () => Object.fromEntries(await cachedTagCounts(root));
    await listenForTagCounts();
    const [before, ...others] = await listenerPids();
    expect(before, "this process listens on one connection").toBeDefined();
    expect(others).toEqual([]);

    await getDb().$queryRaw`SELECT pg_terminate_backend(${before}::int)`;
    await expect.poll(listenerPids, { timeout: 10_000, interval: 50 }).toSatisfy((pids: number[]) => pids.length === 1 && pids[0] !== before);
    // Listening again: counts cached from now on must hear of the next write.
    await listenForTagCounts();
    expect(await counts()).toEqual({});

    await writer.send({ op: "create", actor: ada, title: "After the drop", tags: [`${root}/a`] });
    await expect.poll(counts, SEEN_WITHIN).toEqual({ [root]: 1, [`${root}/a`]: 1 });
  });
});
