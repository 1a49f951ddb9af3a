/**
 * The `sage` kernel in the real sandbox (bwrap, cgroups, Debian's SageMath): the preparser, what
 * a Sage user sees for each kind of value, files, tracebacks in the user's own lines, Stop inside
 * a long C computation, limits in plain words, and the Python kernel left as it was.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMsgType, type TNbOutput, type TSessionEvent } from "@/lib/exec/protocol";
import {
  cellEvents,
  contentsOf,
  interactSpecs,
  runCell,
  SAGE_TEST_LIMITS,
  sageSkipReason,
  startTestService,
  type TTestService,
} from "@/lib/exec/service/testing";

const skip = sageSkipReason();
if (skip) console.warn(`sage kernel tests skipped: ${skip}`);

const SCENE = "application/vnd.cellar.scene3d+json";
type TSpec = { id: string; controls: { name: string; type: string; default?: unknown; values?: string[] }[] };

type TRun = Awaited<ReturnType<typeof runCell>>;
const sage = (t: TTestService, code: string, o: Parameters<typeof runCell>[2] = {}) => runCell(t.client, code, { kernel: "sage", ...o });
/** The data of the outputs with rich data (results and displays), in order. */
const bundles = (r: TRun) => r.outputs.flatMap((o) => ("data" in o ? [(o as { data: Record<string, unknown> }).data] : []));
const resultText = (r: TRun) => {
  const result = r.outputs.find((o) => o.output_type === "execute_result") as { data: Record<string, string> } | undefined;
  return result?.data["text/plain"];
};
const errorOf = (r: TRun) => r.outputs.find((o) => o.output_type === "error") as Extract<TNbOutput, { output_type: "error" }> | undefined;

describe.skipIf(skip !== undefined)("sage kernel", () => {
  let t: TTestService;
  beforeAll(async () => {
    t = await startTestService({ sage: true, limits: SAGE_TEST_LIMITS });
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("preparses cells: ^ is a power, 1/3 a Rational, f(x) = ..., [1..n] and R.<x> = QQ[]", async () => {
    const r = await sage(t, "print(2^10, 1/3, type(1/3).__name__)\nf(x) = x^2 + 1\nprint(f(3), [1..5])\nR.<t> = QQ[]\n(t^2 - 1).factor()");
    expect(r.status).toBe("ok");
    expect(r.stdout).toBe("1024 1/3 Rational\n10 [1, 2, 3, 4, 5]\n");
    expect(resultText(r)).toBe("(t - 1) * (t + 1)");
  });

  it("takes IPython's %time and %timeit as Sage users type them", async () => {
    const r = await sage(t, "%timeit 2^100\n%time factor(2^64 + 1)");
    expect(r.stdout).toMatch(/^\d+ loops, best of 3: [\d.]+ [µnm]?s per loop\nCPU times: total: .*\nWall time: .*\n$/);
    expect(resultText(r)).toBe("274177 * 67280421310721");
    // Inside a string literal the same lines are text, not commands.
    const quoted = await sage(t, 's = """\nReady?\n%time 2^3\n"""\nprint(s.split())');
    expect(quoted.stdout).toBe("['Ready?', '%time', '2^3']\n");
  });

  it("has group theory ready (libgap started in the zygote), view() as show(), and name? / name?? as help", async () => {
    const r = await sage(t, "print(SymmetricGroup(4).order(), AlternatingGroup(5).is_simple())\nview(x^2)\nis_prime?");
    expect(r.status).toBe("ok");
    expect(r.stdout).toMatch(/^24 True\n[\s\S]*Return "True" if "?n"? is a prime number/);
    expect(bundles(r)[0]!["text/latex"]).toBe("$$x^{2}$$");
    const source = await sage(t, "is_prime??");
    expect(source.stdout).toMatch(/^def is_prime\(n\):/);
  });

  it("names the %display modes when given another, and shows nothing for a cell ending in ;", async () => {
    const bad = errorOf(await sage(t, "%display fancy"))!;
    expect([bad.ename, bad.evalue]).toEqual(["SyntaxError", "%display fancy: unknown mode (use plain, latex, ascii_art or unicode_art)"]);
    const quiet = await sage(t, "2^10;");
    expect([quiet.status, quiet.outputs]).toEqual(["ok", []]);
  });

  it("runs a .sage main file through the preparser and a .py file as Python, both with Sage's globals", async () => {
    const files = [
      { path: "main.sage", content: "import helper\nprint(2^10, helper.xor(), factor(360))\n" },
      { path: "helper.py", content: "def xor():\n    return 2^10\n" },
    ];
    const r = await sage(t, files[0]!.content + "1/3", { filename: "main.sage", files });
    expect(r.stdout).toBe("1024 8 2^3 * 3^2 * 5\n");
    // As in a SageMathCell cell, a .sage file's last expression is shown (a plot without show()).
    expect(resultText(r)).toBe("1/3");
    const py = await sage(t, "print(2^10, is_prime(7))", { filename: "plain.py", files: [{ path: "plain.py", content: "print(2^10, is_prime(7))" }] });
    expect(py.stdout).toBe("8 True\n");
  });

  it("seeds Sage's random generators anew in every session (all are forks of one zygote)", async () => {
    const draws = await Promise.all([1, 2, 3].map(() => sage(t, "print(randint(1, 10^15), ZZ.random_element(10^15), random())")));
    expect(new Set(draws.map((r) => r.stdout)).size).toBe(3);
  });

  it("shows html() where it is called, once, and pretty_print(html(...)) once", async () => {
    const r = await sage(t, "html('<b>one</b>')\nprint('two')\nh = html('three')\npretty_print(html('four'))\nshow(h)\nhtml('five')");
    const shown = r.outputs.map((o) => ("data" in o ? (o as { data: Record<string, string> }).data["text/html"] : (o as { text?: string }).text));
    expect(shown).toEqual(["<b>one</b>", "two\n", "four", "three", "five"]);
  });

  it("leaves the Python kernel as it was: 2^10 is 8 and Sage's names are not there", async () => {
    const r = await runCell(t.client, "print(2^10)\nprint('factor' in globals())");
    expect(r.stdout).toBe("8\nFalse\n");
  });

  it("shows a plot as an image without show(), and show(p, figsize=...) at that size", async () => {
    const r = await sage(t, "p = plot(sin(x), (x, 0, 2*pi))\nshow(p, figsize=[3, 2])\np");
    expect(r.status).toBe("ok");
    const [shown, result] = bundles(r);
    expect(Object.keys(shown ?? {})).toContain("image/png");
    expect(Object.keys(result ?? {})).toContain("image/png");
    const width = (b64: string) => Buffer.from(b64, "base64").readUInt32BE(16);
    // figsize is in inches at 100 dpi: the shown image is narrower than the default 6.4-inch one.
    expect(width(shown!["image/png"] as string)).toBeLessThan(width(result!["image/png"] as string));
    expect(result!["text/plain"]).toBe("Graphics object consisting of 1 graphics primitive");
  });

  it("typesets with show(), pretty_print() and %display latex, and shows html() as HTML", async () => {
    const r = await sage(t, "show(x^2/3)\npretty_print(sqrt(2))\nhtml('<b>bold</b>')\n%display latex\nmatrix(QQ, [[1, 2], [3, 4]])");
    const [show, pretty, html, result] = bundles(r);
    expect(show!["text/latex"]).toMatch(/\\frac\{1\}\{3\} \\, x\^\{2\}/);
    expect(show!["text/plain"]).toBe("1/3*x^2");
    // Plain LaTeX any renderer reads: no MathJax macro preamble.
    expect(show!["text/latex"]).not.toContain("\\newcommand");
    expect(pretty!["text/latex"]).toMatch(/\\sqrt\{2\}/);
    expect(html!["text/html"]).toBe("<b>bold</b>");
    expect(result!["text/latex"]).toMatch(/\\begin\{array\}/);
    expect(result!["text/plain"]).toBe("[1 2]\n[3 4]");
    // The mode stays for the session's next cells, until %display plain.
    const plain = await sage(t, "%display plain\nmatrix(QQ, [[1, 2], [3, 4]])");
    expect(bundles(plain)[0]).toEqual({ "text/plain": "[1 2]\n[3 4]" });
  });

  it("shows 3D graphics as a scene for the viewer with a static image beside it", async () => {
    const r = await sage(t, "var('y')\nplot3d(sin(x)*cos(y), (x, -3, 3), (y, -3, 3)) + sphere((0, 0, 2), 0.5, color='red') + text3d('top', (0, 0, 3))");
    expect(r.status).toBe("ok");
    const data = bundles(r).at(-1)!;
    const scene = data[SCENE] as {
      version: number;
      bbox: { min: number[]; max: number[] };
      objects: { type: string; positions?: number[]; indices?: number[]; color?: string; text?: string }[];
    };
    expect(scene.version).toBe(1);
    expect(scene.bbox.min[0]).toBe(-3);
    expect(scene.bbox.max[2]).toBe(3);
    const meshes = scene.objects.filter((o) => o.type === "mesh");
    expect(meshes).toHaveLength(2);
    for (const m of meshes) {
      expect(m.indices!.length % 3).toBe(0);
      expect(Math.max(...m.indices!)).toBeLessThan(m.positions!.length / 3);
    }
    expect(meshes.map((m) => m.color)).toContain("#ff0000");
    expect(scene.objects.find((o) => o.type === "text")?.text).toBe("top");
    expect(
      Buffer.from(data["image/png"] as string, "base64")
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
  });

  it("shows an animation as a GIF, a graph and a graphics_array as images, and a matrix as text", async () => {
    const r = await sage(
      t,
      "a = animate([plot(sin(x + k), (x, 0, 6)) for k in srange(0, 1, 0.5)])\nshow(a)\ngraphs.PetersenGraph().show()\nshow(graphics_array([plot(sin), plot(cos)]))\nmatrix(GF(7), [[1, 2], [3, 4]])^-1",
    );
    expect(r.status).toBe("ok");
    const [gif, graph, array, matrix] = bundles(r);
    expect(
      Buffer.from(gif!["image/gif"] as string, "base64")
        .subarray(0, 6)
        .toString(),
    ).toBe("GIF89a");
    expect(gif!["text/plain"]).toBe("Animation with 2 frames");
    expect(Object.keys(graph!)).toContain("image/png");
    expect(Object.keys(array!)).toContain("image/png");
    expect(matrix!["text/plain"]).toBe("[5 1]\n[5 3]");
  });

  it("lists the files Sage wrote, a saved plot and a saved animation among them", async () => {
    const r = await sage(t, "plot(x^2, (x, 0, 1)).save('parabola.png')\nanimate([plot(x^k, (x, 0, 1)) for k in [1..3]]).save('powers.gif')");
    expect(r.status).toBe("ok");
    expect(r.files.map((f) => f.name).sort()).toEqual(["parabola.png", "powers.gif"]);
    expect(r.files.every((f) => f.size > 1000)).toBe(true);
  });

  it("points tracebacks at the user's own lines, not at the preparsed code", async () => {
    const code = "def f(a):\n    return 1/a\n\nb = 2^3\nf(0)";
    const r = await sage(t, code, { filename: "main.sage", files: [{ path: "main.sage", content: code }] });
    const error = errorOf(r)!;
    expect(error.ename).toBe("ZeroDivisionError");
    const text = error.traceback.join("\n");
    expect(text).toContain('File "main.sage", line 5, in <module>\n    f(0)');
    expect(text).toContain('File "main.sage", line 2, in f\n    return 1/a');
    expect(text).not.toMatch(/Integer\(|runner|cellar_kernel/);
    const syntax = errorOf(await sage(t, "y = 2^3 +* 1"))!;
    expect(syntax.ename).toBe("SyntaxError");
    expect(syntax.traceback.join("\n")).toContain("y = 2^3 +* 1");
    expect(syntax.traceback.join("\n")).not.toContain("Integer(");
  });

  it("stops a long computation inside Sage's C libraries on Stop, and the session goes on", async () => {
    const { session, msg_id } = await t.client.createSession({
      files: [],
      client: "stop",
      kernel: "sage",
      execute: { code: "print('factoring', flush=True)\nfactor(next_prime(2^150) * next_prime(2^160))" },
    });
    const events: TSessionEvent[] = [];
    for await (const e of t.client.events({ session, after: 0 })) {
      events.push(e);
      if (e.message.header.msg_type === "stream") break;
    }
    await new Promise((r) => setTimeout(r, 500));
    await t.client.interrupt({ session });
    const rest = await cellEvents(t.client, session, msg_id!);
    expect(contentsOf(rest, "error")[0]?.ename).toBe("KeyboardInterrupt");
    const next = await t.client.execute({ session, code: "factor(2^20 - 1)" });
    const after = await cellEvents(t.client, session, next.msg_id);
    expect(contentsOf(after, "execute_result")[0]?.data["text/plain"]).toBe("3 * 5^2 * 11 * 31 * 41");
    await t.client.close({ session });
  });

  it("runs a SageMathCell interact unchanged, its values arriving as Sage objects", async () => {
    const code = [
      "@interact",
      "def f(q=input_box(1/2, label='q'), t=slider(srange(0, 1, 1/4)), M=matrix(QQ, [[1, 2], [3, 4]]), c=Color('red')):",
      "    print(type(q).__name__, q + 1, type(t).__name__, t, (M^2)[0, 0], type(c).__name__)",
    ].join("\n");
    const { session, msg_id } = await t.client.createSession({ files: [], client: "sage-interact", kernel: "sage", execute: { code } });
    const first = await cellEvents(t.client, session, msg_id!);
    const spec = interactSpecs<TSpec>(first)[0]!;
    expect(spec.controls.map((c) => [c.name, c.type])).toEqual([
      ["q", "input_box"],
      ["t", "slider"],
      ["M", "input_grid"],
      ["c", "color"],
    ]);
    const printed = (events: TSessionEvent[]) =>
      contentsOf(events, "stream")
        .map((c) => c.text)
        .join("");
    expect(printed(first)).toBe("Rational 3/2 Rational 0 7 Color\n");
    const { msg_id: update } = await t.client.updateInteract({
      session,
      interact: spec.id,
      values: {
        q: "2/3",
        t: 3,
        M: [
          ["1", "0"],
          ["0", "1/2"],
        ],
      },
    });
    expect(printed(await cellEvents(t.client, session, update))).toBe("Rational 5/3 Rational 3/4 1 Color\n");
    await t.client.close({ session });
  });

  it("evaluates a reader's hostile expression-box text inside that reader's own sandbox only", async () => {
    const code = "@interact\ndef f(e=x^2):\n    print('value', e)";
    const { session, msg_id } = await t.client.createSession({ files: [], client: "sage-hostile", kernel: "sage", execute: { code } });
    const first = await cellEvents(t.client, session, msg_id!);
    const spec = interactSpecs<TSpec>(first)[0]!;
    expect(spec.controls[0]).toMatchObject({ name: "e", type: "input_box" });
    const send = async (text: string) => {
      const { msg_id: id } = await t.client.updateInteract({ session, interact: spec.id, values: { e: text } });
      return cellEvents(t.client, session, id);
    };
    const output = (events: TSessionEvent[]) =>
      events
        .flatMap((e) => {
          const m = e.message;
          return isMsgType(m, "stream") ? [m.content.text] : isMsgType(m, "error") ? [`${m.content.ename}: ${m.content.evalue}`] : [];
        })
        .join("");
    // Writing outside the run directory fails in the sandbox, and nothing appears on the host.
    expect(output(await send(`open('${t.execDir}/pwned', 'w').write('x')`))).toMatch(/^(PermissionError|FileNotFoundError|OSError)/);
    expect(existsSync(path.join(t.execDir, "pwned"))).toBe(false);
    // The text sees only its own session: its pid namespace (the cell's process is pid 1 of it),
    // no network, the service's env absent.
    expect(output(await send("(os.getpid(), len(os.listdir('/proc/self/task')) > 0, 'EXEC' in str(os.environ))"))).toMatch(
      /^(NameError|value \(1, True, False\))/,
    );
    expect(output(await send("__import__('os').getpid()"))).toBe("value 1\n");
    expect(output(await send("2/3 + x"))).toBe("value x + 2/3\n");
    // A runaway expression is stopped by the update's wall clock, said in plain words (the
    // session ends with it, as any cell past the wall clock does).
    const { msg_id: slow } = await t.client.updateInteract({ session, interact: spec.id, values: { e: "factorial(10^10)" }, timeout: 2 });
    expect(output(await cellEvents(t.client, session, slow))).toBe("LimitExceeded: stopped: ran longer than 2 s");
  });

  it("says in plain words when a Sage cell runs out of time or memory", async () => {
    const slow = await sage(t, "while True:\n    n = factorial(100)", { timeout: 2 });
    expect(slow.status).toBe("timeout");
    expect((errorOf(slow) as { evalue: string }).evalue).toMatch(/^stopped: ran longer than 2 s/);
    const big = await sage(t, "v = [0] * 10^8");
    expect(big.status).not.toBe("ok");
    expect(errorOf(big)?.ename === "MemoryError" || /memory/.test(errorOf(big)?.evalue ?? "")).toBe(true);
  });
});
