/**
 * The Sage examples (examples/sage-*) run unchanged in the real sandbox with the `sage` kernel,
 * their main file executed as the site runs a snippet: for each, what a reader would notice
 * (no error, the plots, the 3D scene, the animation, the interact's controls, the numbers it
 * prints), and for a few interacts one update sent through the client as the page sends it.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import katex from "katex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KATEX_OPTIONS } from "@/components/run/latex-options";
import { splitMath } from "@/components/run/latex-output";
import { isMsgType, type TSessionEvent } from "@/lib/exec/protocol";
import { cellEvents, contentsOf, SAGE_TEST_LIMITS, sageSkipReason, startTestService, type TTestService } from "@/lib/exec/service/testing";

const skip = sageSkipReason();
if (skip) console.warn(`Sage example tests skipped: ${skip}`);

const EXAMPLES_DIR = path.resolve(__dirname, "../../../examples");
const INTERACT = "application/vnd.cellar.interact+json";
const SCENE = "application/vnd.cellar.scene3d+json";

type TBundle = Record<string, unknown>;
type TSpec = { id: string; name: string; controls: { name: string; type: string; label: string; default?: unknown; values?: string[] }[] };
type TScene = { objects: { type: string; color?: string; positions?: number[] }[] };

/** What a run (the main file, or one interact update) showed the reader. */
type TShown = { status: string | undefined; errors: string[]; stdout: string; bundles: TBundle[]; specs: TSpec[] };

function shown(events: TSessionEvent[]): TShown {
  const bundles = events.flatMap((e) => (isMsgType(e.message, "display_data") || isMsgType(e.message, "execute_result") ? [e.message.content.data] : []));
  return {
    status: contentsOf(events, "execute_reply")[0]?.status,
    errors: contentsOf(events, "error").map((c) => `${c.ename}: ${c.evalue}\n${c.traceback.join("\n")}`),
    stdout: contentsOf(events, "stream")
      .filter((c) => c.name === "stdout")
      .map((c) => c.text)
      .join(""),
    bundles: bundles.filter((b) => !(INTERACT in b)),
    specs: bundles.flatMap((b) => (INTERACT in b ? [b[INTERACT] as TSpec] : [])),
  };
}

/** The files of examples/<name>/files, paths relative to it. */
function filesOf(name: string): { path: string; content: string }[] {
  const root = path.join(EXAMPLES_DIR, name, "files");
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((e) => e.isFile())
    .map((e) => {
      const full = path.join(e.parentPath, e.name);
      return { path: path.relative(root, full).split(path.sep).join("/"), content: readFileSync(full, "utf8") };
    });
}

const kindsOf = (r: TShown) => r.bundles.map((b) => Object.keys(b).find((k) => k !== "text/plain") ?? "text/plain");
const latexOf = (r: TShown) => r.bundles.flatMap((b) => (typeof b["text/latex"] === "string" ? [b["text/latex"]] : [])).join("\n");
const controlsOf = (r: TShown) => r.specs[0]?.controls.map((c) => [c.name, c.type]);
/**
 * What the page sends to set slider `name` to `value`: the number, or for a slider over a list
 * of values (SageMathCell's, for a rational step such as 1/2) the index of its label.
 */
function wire(spec: TSpec, name: string, value: number | number[]): number | number[] {
  const control = spec.controls.find((c) => c.name === name);
  const one = (v: number) => {
    if (!control?.values) return v;
    expect(control.values).toContain(String(v));
    return control.values.indexOf(String(v));
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

/** A slider's initial value as the reader sees it (its label, for a slider over values). */
function shownDefault(spec: TSpec, name: string): unknown {
  const control = spec.controls.find((c) => c.name === name);
  const values = control?.values;
  const d = control?.default;
  if (!values) return d;
  return Array.isArray(d) ? d.map((i: number) => Number(values[i])) : Number(values[d as number]);
}

const isPng = (b: TBundle) =>
  Buffer.from(b["image/png"] as string, "base64")
    .subarray(1, 4)
    .toString() === "PNG";

/**
 * A clean run: the cell ended ok, no error (an interact's included) was shown, and the page's
 * KaTeX typesets every formula, in the outputs and in the controls' labels (it would show a red
 * error in its place).
 */
function expectClean(r: TShown): void {
  expect(r.errors).toEqual([]);
  expect(r.status).toBe("ok");
  const texts = [
    ...r.bundles.flatMap((b) => (typeof b["text/latex"] === "string" ? [b["text/latex"]] : [])),
    ...r.specs.flatMap((s) => s.controls.map((c) => c.label)),
  ];
  for (const f of texts.flatMap((t) => splitMath(t).filter((p) => p.math))) {
    expect(() => katex.renderToString(f.text, { ...KATEX_OPTIONS, throwOnError: true, displayMode: f.display }), f.text).not.toThrow();
  }
}

type TCheck = (run: TShown, update: (values: Record<string, unknown>) => Promise<TShown>) => Promise<void> | void;

/** What each example shows. A new examples/sage-* folder needs an entry here. */
const CHECKS: Record<string, TCheck> = {
  "sage-taylor-polynomials": async (r, update) => {
    expect(controlsOf(r)).toEqual([
      ["f", "input_box"],
      ["a", "slider"],
      ["n", "slider"],
      ["remainder", "checkbox"],
    ]);
    // taylor(sin(x) + cos(2x)/2, x, 0, 3), typeset, then the plot.
    expect(latexOf(r)).toContain(String.raw`T_{3}(x) =  -\frac{1}{6} \, x^{3} - x^{2} + x + \frac{1}{2}`);
    expect(kindsOf(r)).toEqual(["text/latex", "image/png"]);
    const next = await update({ f: "exp(x)", a: wire(r.specs[0]!, "a", 0), n: wire(r.specs[0]!, "n", 2), remainder: true });
    expectClean(next);
    expect(latexOf(next)).toContain(String.raw`T_{2}(x) =  \frac{1}{2} \, x^{2} + x + 1`);
    // The remainder's own plot under the first.
    expect(kindsOf(next)).toEqual(["text/latex", "image/png", "image/png"]);
  },
  "sage-riemann-sums": async (r, update) => {
    expect(latexOf(r)).toContain(String.raw`-x \cos\left(x\right) + 2 \, x + \sin\left(x\right)`);
    expect(controlsOf(r)).toEqual([
      ["interval", "range_slider"],
      ["n", "slider"],
      ["rule", "selector"],
    ]);
    expect(shownDefault(r.specs[0]!, "interval")).toEqual([1, 7]);
    expect(r.stdout).toContain("midpoint sum with n = 6:  6.883604146");
    expect(r.stdout).toContain("exact integral:       7.078502139");
    expect(kindsOf(r)).toEqual(["text/latex", "image/png"]);
    const next = await update({ interval: wire(r.specs[0]!, "interval", [1, 7]), n: wire(r.specs[0]!, "n", 40), rule: 0 });
    expectClean(next);
    expect(next.stdout).toContain("left sum with n = 40:");
    expect(next.stdout).toContain("exact integral:       7.078502139");
  },
  "sage-exact-linear-algebra": (r) => {
    expect(r.specs).toEqual([]);
    expect(latexOf(r)).toContain(String.raw`\begin{array}{rrrr|r}`);
    expect(r.stdout).toContain("rank 2 - one solution: (1, 0, -1, 0)");
    expect(latexOf(r)).toContain(String.raw`\chi_B(t) =  (t - 4) \cdot (t - 2) \cdot (t - 1)`);
    expect(r.stdout).toContain("Hilbert matrix has integer entries, up to 4249941696");
    expect(r.stdout).toMatch(/in floating point \(RDF\) the worst entry of H\^-1 is off by \d/);
  },
  "sage-finite-field-matrices": async (r, update) => {
    expect(controlsOf(r)).toEqual([
      ["p", "selector"],
      ["entries", "input_grid"],
    ]);
    expect(r.stdout).toContain("over QQ, det A = -3;  over GF(7), det A = 4");
    expect(latexOf(r)).toContain(String.raw`A^{-1} =`);
    expect(r.stdout).toMatch(/random 3x3 matrices over GF\(7\): \d+\/400 invertible/);
    // p = 3 divides det A = -3: singular there.
    const next = await update({ p: r.specs[0]!.controls[0]!.values!.indexOf("3") });
    expectClean(next);
    expect(next.stdout).toContain("over GF(3), det A = 0");
    expect(next.stdout).toContain("A is singular over GF(3): rank 2");
  },
  "sage-factor-explorer": async (r, update) => {
    expect(controlsOf(r)).toEqual([
      ["n", "input_box"],
      ["list_divisors", "checkbox"],
    ]);
    expect(latexOf(r)).toContain(String.raw`4294967297 =  641 \cdot 6700417`);
    expect(r.stdout).toContain("divisors: [1, 641, 6700417, 4294967297]");
    const next = await update({ n: "2^6 * (2^7 - 1)" });
    expectClean(next);
    expect(latexOf(next)).toContain(String.raw`8128 =  2^{6} \cdot 127`);
    expect(next.stdout).toContain("perfect (sigma(n) - 2n = 0)");
  },
  "sage-prime-races": (r) => {
    expect(r.stdout).toContain("3245 primes below 30000; the 1 mod 4 team leads for the first time at p = 26861");
    expect(kindsOf(r)).toEqual(["image/png", "image/png"]);
    expect(r.bundles.every(isPng)).toBe(true);
  },
  "sage-modular-tables": async (r, update) => {
    expect(controlsOf(r)).toEqual([
      ["n", "slider"],
      ["operation", "selector"],
      ["numbers", "checkbox"],
    ]);
    expect(kindsOf(r)).toEqual(["image/png"]);
    expect(r.stdout).toContain("units of Z/12: 4 = phi(12): [1, 5, 7, 11]");
    expect(r.stdout).toContain("no primitive root");
    const powers = r.specs[0]!.controls[1]!.values!.indexOf("a ^ b");
    const next = await update({ n: wire(r.specs[0]!, "n", 7), operation: powers });
    expectClean(next);
    expect(kindsOf(next)).toEqual(["image/png"]);
    expect(next.stdout).toContain("zero divisors: none, Z/7 is a field");
    expect(next.stdout).toContain("primitive root 3: its powers [3, 2, 6, 4, 5, 1] are all the units");
  },
  "sage-graph-coloring": async (r, update) => {
    expect(controlsOf(r)).toEqual([
      ["family", "selector"],
      ["n", "slider"],
    ]);
    expect(kindsOf(r)).toEqual(["image/png"]);
    // The wheel on 6 vertices: an odd cycle around a hub needs 4 colours.
    expect(r.stdout).toContain("6 vertices, 10 edges; chromatic number 4");
    const petersen = r.specs[0]!.controls[0]!.values!.findIndex((v) => v.startsWith("Petersen"));
    const next = await update({ family: petersen });
    expectClean(next);
    expect(next.stdout).toContain("10 vertices, 15 edges; chromatic number 3");
    expect(next.stdout).toContain("spanning trees (Kirchhoff's matrix-tree theorem): 2000");
  },
  "sage-irreducible-polynomials": async (r, update) => {
    expect(controlsOf(r)).toEqual([
      ["p", "selector"],
      ["n", "slider"],
    ]);
    expect(r.stdout).toContain("t^(2^6) - t splits over GF(2) into 14 irreducible factors:");
    expect(r.stdout).toContain("degree 6: 9 (Gauss: 9)");
    expect(kindsOf(r)).toEqual(["image/png"]);
    // 7^8 is too large a degree to factor: the count comes from the formula alone.
    const next = await update({ p: r.specs[0]!.controls[0]!.values!.indexOf("7"), n: wire(r.specs[0]!, "n", 8) });
    expectClean(next);
    expect(next.stdout).toContain("Gauss's formula alone gives 720300 irreducibles of degree 8");
    expect(kindsOf(next)).toEqual(["image/png"]);
  },
  "sage-critical-points-3d": (r) => {
    expect(r.stdout).toContain("(1, 1): f = -4, det Hess = 36 -> minimum");
    expect(r.stdout).toContain("(-1, -1): f = 4, det Hess = 36 -> maximum");
    expect(r.stdout.match(/-> saddle/g)).toHaveLength(2);
    const scene = r.bundles.find((b) => SCENE in b)?.[SCENE] as TScene | undefined;
    expect(scene?.objects.filter((o) => o.type === "mesh")).toHaveLength(1);
    // The four critical points, coloured by their kind.
    expect(
      scene?.objects
        .filter((o) => o.type === "points")
        .map((o) => o.color)
        .sort(),
    ).toEqual(["#0000ff", "#ff0000", "#ffa500", "#ffa500"]);
  },
  "sage-secant-to-tangent": (r) => {
    expect(r.stdout).toContain("f'(1) = cos(1) + 1/2 = 1.0403023");
    const gif = r.bundles.find((b) => "image/gif" in b);
    expect(gif?.["text/plain"]).toBe("Animation with 10 frames");
    expect(
      Buffer.from(gif?.["image/gif"] as string, "base64")
        .subarray(0, 6)
        .toString(),
    ).toBe("GIF89a");
  },
};

const examples = readdirSync(EXAMPLES_DIR)
  .filter((d) => d.startsWith("sage-"))
  .sort();

describe.skipIf(skip !== undefined)("the Sage examples in the sage kernel", () => {
  let t: TTestService;
  beforeAll(async () => {
    t = await startTestService({ sage: true, limits: SAGE_TEST_LIMITS });
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("has at least 10 examples, 5 of them interacts, each with its checks here", () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
    expect(examples.filter((name) => filesOf(name).some((f) => /^@interact\b/m.test(f.content))).length).toBeGreaterThanOrEqual(5);
    expect(examples.filter((name) => !(name in CHECKS))).toEqual([]);
  });

  it.each(examples)(
    "%s runs unchanged and shows what it should",
    async (name) => {
      const files = filesOf(name);
      const main = files.find((f) => f.path === "main.sage");
      expect(main).toBeDefined();
      const { session, msg_id } = await t.client.createSession({
        files,
        client: `example-${name}`,
        kernel: "sage",
        execute: { code: main!.content, filename: "main.sage" },
      });
      try {
        const run = shown(await cellEvents(t.client, session, msg_id!));
        expectClean(run);
        const update = async (values: Record<string, unknown>) => {
          const { msg_id: id } = await t.client.updateInteract({ session, interact: run.specs[0]!.id, values });
          return shown(await cellEvents(t.client, session, id));
        };
        await CHECKS[name]!(run, update);
      } finally {
        await t.client.close({ session });
      }
    },
    60_000,
  );
});
