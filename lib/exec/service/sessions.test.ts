/**
 * Live sessions over time and across hosts, with real bwrap, Python and cgroups: why a session
 * ended reaches the page (idle, maximum life), a session is found again on the host that holds
 * it when a site has several, and a runaway client cannot queue without bound.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecError, type TExecClient } from "@/lib/exec/client";
import { isDeadStatus, isMsgType, type TSessionEvent } from "@/lib/exec/protocol";
import { contentsOf, skipReason, startTestService, type TTestService } from "@/lib/exec/service/testing";

const skip = skipReason();

/** Every event of a session until its final `dead` status. */
async function untilDead(client: TExecClient, session: string): Promise<TSessionEvent[]> {
  const out: TSessionEvent[] = [];
  for await (const e of client.events({ session })) {
    out.push(e);
    if (isDeadStatus(e.message)) break;
  }
  return out;
}

function stdoutOf(events: TSessionEvent[]): string {
  return contentsOf(events, "stream")
    .map((c) => c.text)
    .join("");
}

describe.skipIf(skip !== undefined)("session lifetime", () => {
  let t: TTestService;
  beforeAll(async () => {
    t = await startTestService({ idleSeconds: 2, maxLifeSeconds: 4 });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("ends a session left idle, saying so and for how long", async () => {
    const { session } = await t.client.createSession({ files: [], client: "idle", execute: { code: "print('hi')" } });
    const events = await untilDead(t.client, session);
    expect(stdoutOf(events)).toBe("hi\n");
    expect(events.at(-1)?.message.metadata).toEqual({ reason: "idle", seconds: 2 });
  }, 30_000);

  it("ends a session at its maximum life even while it is kept busy", async () => {
    const { session } = await t.client.createSession({ files: [], client: "busy" });
    const started = Date.now();
    // A reader playing all along: a cell every half second keeps the idle clock from running out.
    const keepBusy = setInterval(() => void t.client.execute({ session, code: "1" }).catch(() => undefined), 500);
    try {
      const events = await untilDead(t.client, session);
      expect(events.at(-1)?.message.metadata).toEqual({ reason: "lifetime", seconds: 4 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(3_500);
    } finally {
      clearInterval(keepBusy);
    }
    await expect(t.client.execute({ session, code: "1" })).rejects.toMatchObject({ status: 409 });
  }, 30_000);

  it("refuses more than 64 waiting cells in one session with 429, and keeps running the ones it took", async () => {
    const { session } = await t.client.createSession({ files: [], client: "flood" });
    const first = await t.client.execute({ session, code: "import time; time.sleep(1); print('first')" });
    const results = await Promise.allSettled(Array.from({ length: 80 }, () => t.client.execute({ session, code: "pass" })));
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason as ExecError);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => e.status === 429 && e.code === "QUEUE_FULL")).toBe(true);
    expect(results.filter((r) => r.status === "fulfilled").length).toBeLessThanOrEqual(64);
    const out: string[] = [];
    for await (const e of t.client.events({ session })) {
      if (isMsgType(e.message, "stream")) out.push(e.message.content.text);
      if (e.message.parent_header.msg_id === first.msg_id && isMsgType(e.message, "status")) {
        if (e.message.content.execution_state === "idle") break;
      }
    }
    expect(out.join("")).toBe("first\n");
    await t.client.close({ session });
  }, 30_000);
});
