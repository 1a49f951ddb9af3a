/**
 * The execution service's behaviour through its HTTP API and client, with real bwrap, Python and
 * cgroups: what a reader pressing Run sees.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMsgType, type TSessionEvent } from "@/lib/exec/protocol";
import { cellEvents, contentsOf, runCell, skipReason, startTestService, type TTestService } from "@/lib/exec/service/testing";

const skip = skipReason();
if (skip) console.warn(`lib/exec service tests skipped: ${skip}`);

describe.skipIf(skip !== undefined)("execution service", () => {
  let t: TTestService;
  beforeAll(async () => {
    t = await startTestService();
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("imports another file of the snippet and reads a data file", async () => {
    const r = await runCell(t.client, "import helper\nprint(helper.double(21), open('data.txt').read().strip())", {
      filename: "main.py",
      files: [
        { path: "helper.py", content: "def double(x):\n    return 2 * x\n" },
        { path: "data.txt", content: "from the snippet\n" },
      ],
    });
    expect(r.status).toBe("ok");
    expect(r.stdout).toBe("42 from the snippet\n");
  });

  it("runs a cell after the main file in the same namespace, showing the last expression's value", async () => {
    const { session } = await t.client.createSession({ files: [{ path: "main.py", content: "x = 41\n" }], client: "t" });
    const first = await t.client.execute({ session, code: "x = 41\n", filename: "main.py" });
    await cellEvents(t.client, session, first.msg_id);
    const second = await t.client.execute({ session, code: "y = x + 1\ny" });
    const events = await cellEvents(t.client, session, second.msg_id);
    expect(contentsOf(events, "execute_result")[0]?.data["text/plain"]).toBe("42");
    await t.client.close({ session });
  });

  it("shows a traceback that points into the user's file, not the runner", async () => {
    const code = "def f(n):\n    return 10 / n\n\nprint(f(0))\n";
    const r = await runCell(t.client, code, { filename: "main.py", files: [{ path: "main.py", content: code }] });
    expect(r.status).toBe("error");
    const error = r.outputs.find((o) => o.output_type === "error") as { ename: string; traceback: string[] } | undefined;
    expect(error?.ename).toBe("ZeroDivisionError");
    const tb = error!.traceback.join("\n");
    expect(tb).toContain("main.py");
    expect(tb).toContain("return 10 / n");
    expect(tb).not.toMatch(/runner\.py|cellar_kernel/);
  });

  it("displays each rich type, and a matplotlib figure without show()", async () => {
    const r = await runCell(
      t.client,
      [
        "from cellar import HTML, Markdown, Latex, SVG",
        "display(HTML('<b>bold</b>'))",
        "display(Markdown('# title'))",
        "display(Latex(r'$x^2$'))",
        'display(SVG(\'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>\'))',
        "import matplotlib.pyplot as plt",
        "plt.plot([1, 2, 3], [1, 4, 9])",
      ].join("\n"),
    );
    expect(r.status).toBe("ok");
    const mimes = r.outputs.filter((o) => o.output_type === "display_data").flatMap((o) => Object.keys((o as { data: object }).data));
    for (const mime of ["text/html", "text/markdown", "text/latex", "image/svg+xml", "image/png"]) expect(mimes).toContain(mime);
    const png = r.outputs.find((o) => o.output_type === "display_data" && "image/png" in (o as { data: object }).data) as { data: Record<string, string> };
    expect(Buffer.from(png.data["image/png"]!, "base64").subarray(1, 4).toString()).toBe("PNG");
  });

  it("lists files the cell created or changed and serves their bytes", async () => {
    const { session } = await t.client.createSession({
      files: [
        { path: "keep.txt", content: "same" },
        { path: "edit.txt", content: "old" },
      ],
      client: "t",
    });
    const { msg_id } = await t.client.execute({
      session,
      code: "import os\nos.makedirs('out', exist_ok=True)\nopen('out/table.csv', 'w').write('a,b\\n1,2\\n')\nopen('edit.txt', 'w').write('new!')",
    });
    await cellEvents(t.client, session, msg_id);
    const files = await t.client.listFiles({ session });
    expect(files).toEqual([
      { name: "edit.txt", size: 4 },
      { name: "out/table.csv", size: 8 },
    ]);
    await t.client.close({ session }); // still downloadable after the session ended
    expect(Buffer.from(await t.client.readFile({ session, name: "out/table.csv" })).toString()).toBe("a,b\n1,2\n");
  });

  it("never serves a symlink out of the run directory", async () => {
    const { session } = await t.client.createSession({ files: [], client: "t" });
    const { msg_id } = await t.client.execute({ session, code: "import os\nos.symlink('/etc/passwd', 'pw')\nos.symlink('/etc', 'etc')" });
    await cellEvents(t.client, session, msg_id);
    await expect(t.client.readFile({ session, name: "pw" })).rejects.toMatchObject({ status: 404 });
    await expect(t.client.readFile({ session, name: "etc/passwd" })).rejects.toMatchObject({ status: 404 });
    await t.client.close({ session });
  });

  it("stops a running cell with KeyboardInterrupt and keeps the session", async () => {
    const { session } = await t.client.createSession({ files: [], client: "t" });
    const loop = await t.client.execute({ session, code: "import time\nn = 0\nprint('looping', flush=True)\nwhile True:\n    n += 1\n    time.sleep(0.001)" });
    const seen: TSessionEvent[] = [];
    for await (const e of t.client.events({ session })) {
      seen.push(e);
      // Once the cell's own output says it is in the loop (not a guess at how long that takes).
      if (e.message.header.msg_type === "stream") await t.client.interrupt({ session });
      if (isMsgType(e.message, "status") && e.message.content.execution_state === "idle") break;
    }
    expect(contentsOf(seen, "error")[0]?.ename).toBe("KeyboardInterrupt");
    const next = await t.client.execute({ session, code: "n > 0" });
    const events = await cellEvents(t.client, session, next.msg_id);
    expect(JSON.stringify(events.map((e) => e.message.content))).toContain('"text/plain":"True"');
    expect(loop.msg_id).not.toBe(next.msg_id);
    await t.client.close({ session });
  });

  it("resumes a stream after the last seen message, without repeating it", async () => {
    const { session } = await t.client.createSession({ files: [], client: "t" });
    const { msg_id } = await t.client.execute({ session, code: "for i in range(5):\n    print(i, flush=True)" });
    const all = await cellEvents(t.client, session, msg_id);
    const cut = all[2]!.seq;
    const rest = await cellEvents(t.client, session, msg_id, cut);
    expect(rest.map((e) => e.seq)).toEqual(all.filter((e) => e.seq > cut).map((e) => e.seq));
    expect(rest[0]!.message.header.msg_id).toBe(all.find((e) => e.seq > cut)!.message.header.msg_id);
    await t.client.close({ session });
    // After the end, the stream replays what is left and finishes with `dead`.
    const after: TSessionEvent[] = [];
    for await (const e of t.client.events({ session, after: all.at(-1)!.seq })) after.push(e);
    expect(after.at(-1)?.message.content).toEqual({ execution_state: "dead" });
  });

  it("refuses unknown sessions and bad bodies with clear errors", async () => {
    await expect(t.client.execute({ session: "nosuchsession", code: "1" })).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
    const res = await fetch(`${t.service.url}/sessions`, { method: "POST", body: JSON.stringify({ files: [{ path: "../x", base64: "" }] }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/relative/);
  });
});

describe.skipIf(skip !== undefined)("admission", () => {
  let t: TTestService;
  beforeAll(async () => {
    t = await startTestService({ perClient: 1 });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("replaces a client's idle run, and answers 429 while its run is busy", async () => {
    const a = await t.client.createSession({ files: [], client: "c1" });
    const b = await t.client.createSession({ files: [], client: "c1" }); // a was idle: ended to make room
    const dead = [];
    for await (const e of t.client.events({ session: a.session })) dead.push(e);
    expect(dead.at(-1)?.message.content).toEqual({ execution_state: "dead" });
    await t.client.execute({ session: b.session, code: "import time; time.sleep(2)" });
    await expect(t.client.createSession({ files: [], client: "c1" })).rejects.toMatchObject({ status: 429 });
    const other = await t.client.createSession({ files: [], client: "c2" });
    await t.client.close(other);
    await t.client.close(b);
  });
});
