/**
 * Completion and help through the service, with real bwrap, Python and cgroups (docs/exec.md,
 * "Completion and help"): answered from the session's namespace between cells, empty and `busy`
 * while a cell runs, bounded by the kernel's clock and, past it, by the service's, and silent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TSessionEvent } from "@/lib/exec/protocol";
import { QUERY_WALL_MS } from "@/lib/exec/service/session";
import { cellEvents, contentsOf, SAGE_TEST_LIMITS, sageSkipReason, skipReason, startTestService, type TTestService } from "@/lib/exec/service/testing";

const skip = skipReason();

const stdout = (events: TSessionEvent[]) =>
  contentsOf(events, "stream")
    .map((c) => c.text)
    .join("");

describe.skipIf(skip !== undefined)("completion and help in the service", () => {
  let t: TTestService;
  beforeAll(async () => {
    t = await startTestService({ limits: { wallSeconds: 20 } });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  async function open(code: string) {
    const { session, msg_id } = await t.client.createSession({
      files: [{ path: "helpers_here.py", content: "X = 1\n" }],
      client: "complete",
      execute: { code },
    });
    await cellEvents(t.client, session, msg_id!);
    return session;
  }

  it("completes attributes, names, imports and the session's own modules, and shows help", async () => {
    const session = await open("import numpy as np\nimport math\nmy_counter = 0");
    const attrs = await t.client.complete({ session, code: "np.li", cursor_pos: 5 });
    expect(attrs.busy).toBe(false);
    expect(attrs.matches).toContain("linspace");
    expect([attrs.cursor_start, attrs.cursor_end]).toEqual([3, 5]);
    expect((await t.client.complete({ session, code: "my_c", cursor_pos: 4 })).matches).toEqual(["my_counter"]);
    expect((await t.client.complete({ session, code: "import matpl", cursor_pos: 12 })).matches).toContain("matplotlib");
    expect((await t.client.complete({ session, code: "import helpers_h", cursor_pos: 16 })).matches).toEqual(["helpers_here"]);
    expect((await t.client.complete({ session, code: "from math import fa", cursor_pos: 19 })).matches).toEqual(["fabs", "factorial"]);

    const help = await t.client.inspect({ session, code: "math.factorial(", cursor_pos: 15 });
    expect(help.found).toBe(true);
    expect(help.data["text/plain"]).toContain("Signature: math.factorial(n, /)");
    expect((await t.client.inspect({ session, code: "nothing_like_this", cursor_pos: 3 })).found).toBe(false);

    // Queries leave no trace in the session's log: the next cell is In [2] and shows only its own output.
    const { msg_id } = await t.client.execute({ session, code: "print(my_counter + 1)" });
    const events = await cellEvents(t.client, session, msg_id);
    expect(stdout(events)).toBe("1\n");
    expect(contentsOf(events, "execute_reply")[0]?.execution_count).toBe(2);
  }, 60_000);

  it("answers empty and busy while a cell runs, and the cell is not disturbed", async () => {
    const session = await open("import time");
    const { msg_id } = await t.client.execute({ session, code: "time.sleep(1.5)\nprint('slept')" });
    const answer = await t.client.complete({ session, code: "tim", cursor_pos: 3 });
    expect(answer).toMatchObject({ busy: true, matches: [] });
    expect(stdout(await cellEvents(t.client, session, msg_id))).toBe("slept\n");
    expect((await t.client.complete({ session, code: "tim", cursor_pos: 3 })).matches).toEqual(["time"]);
  }, 60_000);

  it("cuts off a __dir__ that loops, and what it prints never reaches a cell", async () => {
    const session = await open(
      "import os\nclass Loop:\n    def __dir__(self):\n        print('LEAK')\n        os.write(1, b'LEAK fd\\n')\n        while True: pass\nh = Loop()",
    );
    const answer = await t.client.complete({ session, code: "h.", cursor_pos: 2 });
    expect(answer).toMatchObject({ busy: false, matches: [] });
    const { msg_id } = await t.client.execute({ session, code: "print('next')" });
    const events = await cellEvents(t.client, session, msg_id);
    expect(stdout(events)).toBe("next\n");
    expect(JSON.stringify(events)).not.toContain("LEAK");
  }, 60_000);

  it("ends the session when a __dir__ swallows the kernel's time limit, saying why", async () => {
    const session = await open(
      "import time\nclass Stubborn:\n    def __dir__(self):\n        while True:\n            try:\n                time.sleep(100)\n            except BaseException:\n                pass\ns = Stubborn()",
    );
    const answer = await t.client.complete({ session, code: "s.", cursor_pos: 2 });
    expect(answer.matches).toEqual([]);
    expect(answer.busy).toBe(false); // the session is dead, not busy
    const events: TSessionEvent[] = [];
    for await (const e of t.client.events({ session })) events.push(e);
    expect(contentsOf(events, "error")[0]?.evalue).toBe(`stopped: a completion did not answer within ${QUERY_WALL_MS / 1000} s`);
    expect(events.at(-1)?.message.content).toEqual({ execution_state: "dead" });
  }, 60_000);
});

const sageSkip = sageSkipReason();

describe.skipIf(sageSkip !== undefined)("completion and help in the sage kernel", () => {
  let t: TTestService;
  beforeAll(async () => {
    t = await startTestService({ sage: true, limits: SAGE_TEST_LIMITS });
  }, 300_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("completes Sage's names and the methods of preparsed values, and shows Sage's docs", async () => {
    const { session, msg_id } = await t.client.createSession({
      files: [],
      client: "complete-sage",
      kernel: "sage",
      execute: { code: "n = 2^10 + 1\nR.<t> = QQ[]" },
    });
    await cellEvents(t.client, session, msg_id!);
    expect((await t.client.complete({ session, code: "integr", cursor_pos: 6 })).matches).toContain("integral");
    expect((await t.client.complete({ session, code: "n.is_pr", cursor_pos: 7 })).matches).toContain("is_prime");
    expect((await t.client.complete({ session, code: "t.deriv", cursor_pos: 7 })).matches).toContain("derivative");
    const help = await t.client.inspect({ session, code: "factor(n)", cursor_pos: 3 });
    expect(help.found).toBe(true);
    expect(help.data["text/plain"]).toContain("Return the factorization of");
  }, 120_000);
});
