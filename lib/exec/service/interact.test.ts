/**
 * Live interacts through the service, with real bwrap, Python and cgroups: an interact's
 * description and first output, updates re-running it with new values, errors and limits in its
 * own output area, and the example library's interacts running unchanged.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMsgType, type TSessionEvent } from "@/lib/exec/protocol";
import { cellEvents, contentsOf, interactSpecs, skipReason, startTestService, type TTestService } from "@/lib/exec/service/testing";

const skip = skipReason();

type TSpec = { id: string; name: string; controls: { name: string; type: string; default?: unknown }[] };
const specsIn = (events: TSessionEvent[]) => interactSpecs<TSpec>(events);

/** Text printed by the interact `id` (messages tagged with it). */
const textOf = (events: TSessionEvent[], id: string) =>
  events.flatMap((e) => (isMsgType(e.message, "stream") && e.message.metadata.interact === id ? [e.message.content.text] : [])).join("");

describe.skipIf(skip !== undefined)("live interacts in the service", () => {
  let t: TTestService;
  beforeAll(async () => {
    // Output as the site allows it (a plot is more than the test default of 64 KB); a short wall clock.
    t = await startTestService({ limits: { wallSeconds: 3, outputBytes: 1_048_576 } });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  async function define(code: string) {
    const { session, msg_id } = await t.client.createSession({ files: [], client: "interact", execute: { code } });
    const events = await cellEvents(t.client, session, msg_id!);
    return { session, events, specs: specsIn(events) };
  }

  async function update(session: string, interact: string, values: Record<string, unknown>) {
    const { msg_id } = await t.client.updateInteract({ session, interact, values });
    const events = await cellEvents(t.client, session, msg_id);
    return { msgId: msg_id, events };
  }

  it("describes the controls, runs once with the defaults, and re-runs with the values sent", async () => {
    const { session, events, specs } = await define("@interact\ndef f(n=slider(1, 10, 1, default=3), word='hi'):\n    print(word * n)\n");
    expect(specs).toHaveLength(1);
    const spec = specs[0]!;
    expect(spec.controls.map((c) => [c.name, c.type, c.default])).toEqual([
      ["n", "slider", 3],
      ["word", "input_box", "hi"],
    ]);
    expect(textOf(events, spec.id)).toBe("hihihi\n");
    const next = await update(session, spec.id, { n: 2, word: "ab" });
    expect(textOf(next.events, spec.id)).toBe("abab\n");
    expect(next.events.every((e) => e.message.parent_header.msg_type === "interact_request")).toBe(true);
    // Values outside the control are constrained, not trusted: the slider stops at 10.
    const clamped = await update(session, spec.id, { n: 1e9, word: "x" });
    expect(textOf(clamped.events, spec.id)).toBe("x".repeat(10) + "\n");
    await t.client.close({ session });
  }, 30_000);

  it("shows an error in the interact's own area and keeps it usable", async () => {
    const { session, specs } = await define("@interact\ndef g(x=slider(-2, 2, 1, default=1)):\n    print(10 // x)\n");
    const id = specs[0]!.id;
    const failed = await update(session, id, { x: 0 });
    const error = failed.events.find((e) => e.message.header.msg_type === "error");
    expect(error?.message.metadata.interact).toBe(id);
    expect(contentsOf(failed.events, "error")[0]?.ename).toBe("ZeroDivisionError");
    expect(contentsOf(failed.events, "error")[0]?.traceback.join("\n")).toContain("print(10 // x)");
    const again = await update(session, id, { x: 2 });
    expect(textOf(again.events, id)).toBe("5\n");
    await t.client.close({ session });
  }, 30_000);

  it("applies the wall clock to each update, in the interact's area", async () => {
    const { session, specs } = await define("import time\n@interact\ndef slow(s=slider(0, 10, 1, default=0)):\n    time.sleep(s)\n    print('slept', s)\n");
    const id = specs[0]!.id;
    const { events } = await update(session, id, { s: 10 });
    const limit = events.find((e) => e.message.header.msg_type === "error");
    expect(limit?.message.metadata).toMatchObject({ limit: "time", interact: id });
  }, 30_000);

  it("puts a nested interact inside its parent's area and updates it on its own", async () => {
    const code = [
      "@interact",
      "def outer(k=selector([1, 2, 3], default=2)):",
      "    print('outer', k)",
      "    @interact(controls=[(f'c{i}', slider(0, 9, 1, default=i)) for i in range(k)])",
      "    def inner(**c):",
      "        print('inner', sorted(c.items()))",
    ].join("\n");
    const { session, events, specs } = await define(code);
    const [outer, inner] = specs;
    expect(inner?.controls.map((c) => c.name)).toEqual(["c0", "c1"]);
    const innerDisplay = events.find((e) => e.message.header.msg_type === "display_data" && specsIn([e])[0]?.id === inner!.id);
    expect(innerDisplay?.message.metadata.interact).toBe(outer!.id);
    const innerRun = await update(session, inner!.id, { c0: 4, c1: 5 });
    expect(textOf(innerRun.events, inner!.id)).toBe("inner [('c0', 4), ('c1', 5)]\n");
    // The outer control decides the inner controls: three sliders now.
    const outerRun = await update(session, outer!.id, { k: 2 });
    expect(specsIn(outerRun.events)[0]?.controls.map((c) => c.name)).toEqual(["c0", "c1", "c2"]);
    await t.client.close({ session });
  }, 30_000);

  const examplesDir = path.resolve(__dirname, "../../../examples");
  const interactExamples = readdirSync(examplesDir).filter((d) => d.startsWith("interact-"));

  it.each(interactExamples)(
    "example %s defines its interact and runs it without an error",
    async (name) => {
      const dir = path.join(examplesDir, name, "files");
      const code = readFileSync(path.join(dir, "main.py"), "utf8");
      const { session, msg_id } = await t.client.createSession({
        files: [{ path: "main.py", content: code }],
        client: `example-${name}`,
        execute: { code, filename: "main.py" },
      });
      const events = await cellEvents(t.client, session, msg_id!);
      await t.client.close({ session });
      expect(contentsOf(events, "error").map((c) => c.evalue)).toEqual([]);
      expect(specsIn(events).length).toBeGreaterThanOrEqual(1);
    },
    30_000,
  );
});
