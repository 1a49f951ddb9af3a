/**
 * `shared` in real cells (docs/exec.md section 5): the execution service (real sandbox) answers
 * the cells' shared requests with each session's scope, through an in-process backend calling
 * handleSharedRequest on the real database. Two sessions of one snippet see each other's
 * values, a reader without write permission gets PermissionError, a fork reads its source's
 * values read-only, numpy arrays round-trip, code without a snippet gets a clear error, a cell
 * cannot name another scope, and `watch(key)` iterates inside a cell while another session writes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMsgType, type TSharedScope } from "@/lib/exec/protocol";
import { cellEvents, contentsOf, runCell, SAGE_TEST_LIMITS, sageSkipReason, skipReason, startTestService, type TTestService } from "@/lib/exec/service/testing";
import { handleSharedRequest } from "@/lib/shared/handle-shared-request";
import { resolveSharedScope } from "@/lib/shared/resolve-shared-scope";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { forkSnippet } from "@/lib/snippets/fork-snippet";
import type { TActor } from "@/lib/snippets/schema";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();
// The embedded default store (the store contract is tested on every backend in shared-store.test.ts).
delete process.env.NATS_URL;

const skip = skipReason();

async function newUser(prefix: string): Promise<TActor> {
  const user = await createUser({ username: uniqueName(prefix), password: "correct horse battery" });
  return { id: user.id, username: user.username };
}

describe.skipIf(skip !== undefined)("shared values in cells", () => {
  let t: TTestService;
  let owner: TActor;
  let other: TActor;
  let snippet: { id: string; slug: string };
  beforeAll(async () => {
    t = await startTestService({
      limits: { wallSeconds: 20 },
      sharedBackend: (scope, request) => handleSharedRequest({ scope, request }),
    });
    owner = await newUser("shcowner");
    other = await newUser("shcother");
    snippet = await createSnippet({ actor: owner, title: "Shared cells", files: [{ path: "main.py", content: "print(1)\n" }] });
  }, 90_000);
  afterAll(async () => {
    await t?.stop();
  });

  const scopeOf = (actor: TActor | null, snippetId = snippet.id): Promise<TSharedScope> => resolveSharedScope({ snippetId, actor });
  const run = (code: string, shared: TSharedScope | null) => runCell(t.client, code, { ...(shared ? { shared } : {}), timeout: 20 });

  it("a value one session sets is read by another session of the same snippet, with its revision", async () => {
    const set = await run('shared["best"] = {"x": 1}\nprint(shared.revision("best") is not None)', await scopeOf(owner));
    expect(set.stderr).toBe("");
    expect(set.stdout).toBe("True\n");
    const read = await run('print(shared["best"], "best" in shared, list(shared))', await scopeOf(other));
    expect(read.stderr).toBe("");
    expect(read.stdout).toBe("{'x': 1} True ['best']\n");
  });

  it("a reader who may not write gets PermissionError in the cell, and still reads", async () => {
    const anonymous = await scopeOf(null);
    expect(anonymous.canWrite).toBe(false);
    const r = await run(
      ["try:", '    shared["best"] = 2', "except PermissionError as e:", '    print("PermissionError:", e)', 'print(shared["best"])'].join("\n"),
      anonymous,
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^PermissionError: Sign in to change shared values/);
    expect(r.stdout).toMatch(/\{'x': 1\}\n$/);
  });

  it("a fork reads the source's values read-only and writes its own", async () => {
    const forker = await newUser("shcforker");
    const fork = await forkSnippet({ actor: forker, owner: owner.username, slug: snippet.slug });
    const r = await run(
      [
        'print(shared["best"])',
        "try:",
        '    del shared["best"]',
        "except PermissionError as e:",
        '    print("PermissionError:", e)',
        'shared["mine"] = [1, 2]',
        "print(sorted(shared))",
      ].join("\n"),
      await scopeOf(forker, fork.id),
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")).toEqual([
      "{'x': 1}",
      expect.stringMatching(/^PermissionError: .*forked from: a fork reads it but cannot change it/),
      "['best', 'mine']",
      "",
    ]);
    // The source does not see the fork's own value.
    expect((await run('print("mine" in shared)', await scopeOf(owner))).stdout).toBe("False\n");
  });

  it("a numpy array round-trips between sessions (dtype, shape, values)", async () => {
    const set = await run('import numpy as np\nshared["grid"] = np.arange(6, dtype=np.int16).reshape(2, 3) * -1', await scopeOf(owner));
    expect(set.stderr).toBe("");
    const read = await run('g = shared["grid"]\nprint(type(g).__name__, g.dtype, g.shape, g.tolist())', await scopeOf(other));
    expect(read.stderr).toBe("");
    expect(read.stdout).toBe("ndarray int16 (2, 3) [[0, -1, -2], [-3, -4, -5]]\n");
  });

  it("code run without a snippet gets a clear error", async () => {
    const r = await run('try:\n    shared["x"]\nexcept RuntimeError as e:\n    print(type(e).__name__, e)', null);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^RuntimeError shared values belong to a snippet: /);
  });

  it("the scope is the session's: a cell that adds its own scope fields is refused", async () => {
    const victim = await createSnippet({ actor: other, title: "Other", files: [{ path: "main.py", content: "" }] });
    await handleSharedRequest({ scope: await scopeOf(other, victim.id), request: { op: "set", key: "secret", value: 42 } });
    const r = await run(
      [
        "from cellar_kernel import requests",
        "try:",
        `    print(requests.request("shared.get", {"key": "secret", "snippetId": ${JSON.stringify(victim.id)}}))`,
        "except requests.ServiceError as e:",
        "    print(e.code, e)",
        'print("secret" in shared)',
      ].join("\n"),
      await scopeOf(owner),
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^INVALID Bad shared request/);
    expect(r.stdout).toMatch(/\nFalse\n$/);
  });

  it("watch(key) iterates in the cell while another session writes; the callback form says to iterate", async () => {
    const callback = await run('try:\n    shared.watch("w", print)\nexcept RuntimeError as e:\n    print(e)', await scopeOf(owner));
    expect(callback.stdout).toMatch(/^shared\.watch\(key, callback\) is not available in a cell: .*for change in shared\.watch\('w'\)/);

    const { session, msg_id } = await t.client.createSession({
      files: [],
      client: "watcher",
      shared: await scopeOf(other),
      execute: { code: 'print("watching", flush=True)\nfor change in shared.watch("w"):\n    print(change.value, change.deleted)\n    break' },
    });
    try {
      // Once the cell watches (it printed), another session writes.
      for await (const e of t.client.events({ session })) {
        if (isMsgType(e.message, "stream") && e.message.content.text.includes("watching")) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      const write = await run('shared["w"] = {"n": 7}', await scopeOf(owner));
      expect(write.stderr).toBe("");
      const events = await cellEvents(t.client, session, msg_id!);
      const stdout = contentsOf(events, "stream")
        .map((c) => c.text)
        .join("");
      expect(stdout).toBe("watching\n{'n': 7} False\n");
      expect(contentsOf(events, "error")).toEqual([]);
    } finally {
      await t.client.close({ session });
    }
  }, 60_000);
});

const sageSkip = sageSkipReason();

describe.skipIf(sageSkip !== undefined)("shared values in the sage kernel", () => {
  let t: TTestService;
  beforeAll(async () => {
    t = await startTestService({ sage: true, limits: SAGE_TEST_LIMITS, sharedBackend: (scope, request) => handleSharedRequest({ scope, request }) });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("has `shared` pre-imported, with the same values as Python sessions of the snippet", async () => {
    const owner = await newUser("shcsage");
    const snippet = await createSnippet({ actor: owner, title: "Shared sage", files: [{ path: "main.sage", content: "1\n" }] });
    const scope = await resolveSharedScope({ snippetId: snippet.id, actor: owner });
    const python = await runCell(t.client, 'shared["n"] = 21', { shared: scope, timeout: 20 });
    expect(python.stderr).toBe("");
    const sage = await runCell(t.client, 'print(shared["n"] * 2, type(shared).__name__)', { kernel: "sage", shared: scope, timeout: 60 });
    expect(sage.stderr).toBe("");
    expect(sage.stdout).toBe("42 Shared\n");
  }, 120_000);
});
