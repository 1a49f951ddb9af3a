import { z } from "zod";
import "@/lib/zod-no-eval";

/*
 * `application/vnd.cellar.scene3d+json`: a 3D scene (Sage's plot3d, parametric_plot3d, sphere...)
 * that the page draws in an interactive viewer (docs/exec.md). Anyone's cell can print one, so
 * it is untrusted: every number finite, every index in range, every size bounded, before a
 * byte of it reaches WebGL. Only the viewer, loaded when a scene appears, imports this.
 */

/** Bounds on one scene: enough for a fine surface (a 300×300 grid is 270,000 position numbers). */
export const SCENE3D_LIMITS = { numbers: 1_000_000, objects: 10_000, text: 200 } as const;

const ZVec3 = z.tuple([z.number(), z.number(), z.number()]);
const ZColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "a color is #rrggbb");
const ZOpacity = z.number().min(0).max(1).default(1);
/**
 * A flat list of finite numbers. Checked in one loop rather than element by element with
 * z.number(): a surface holds hundreds of thousands, and zod's z.array walks each item through a schema (~5× slower).
 */
const ZNumbers = z
  .custom<unknown[]>((v) => Array.isArray(v), "expected an array of numbers")
  .check((ctx) => {
    const a = ctx.value;
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        ctx.issues.push({ code: "custom", message: `item ${i} is not a finite number`, input: v, path: [i] });
        return;
      }
    }
  }) as unknown as z.ZodType<number[]>;
/** Flat xyz triples, at least `min` points. */
const triples = (min: number) =>
  ZNumbers.refine((a) => a.length % 3 === 0, "holds xyz triples: its length is a multiple of 3").refine(
    (a) => a.length >= 3 * min,
    `needs at least ${min} point${min === 1 ? "" : "s"}`,
  );

const ZMesh = z
  .object({
    type: z.literal("mesh"),
    positions: triples(3),
    indices: ZNumbers.refine((a) => a.length % 3 === 0, "holds triangles: its length is a multiple of 3"),
    color: ZColor.default("#6495ed"),
    opacity: ZOpacity,
    /** Per vertex, flat rgb in 0..1; overrides `color`. */
    colors: ZNumbers.optional(),
    smooth: z.boolean().default(true),
  })
  .check((ctx) => {
    const { positions, indices, colors } = ctx.value;
    const points = positions.length / 3;
    for (let i = 0; i < indices.length; i++) {
      const v = indices[i] as number;
      if (!Number.isInteger(v) || v < 0 || v >= points) {
        ctx.issues.push({ code: "custom", message: `index ${v} is not a point of this mesh (it has ${points})`, input: v, path: ["indices", i] });
        return;
      }
    }
    if (colors === undefined) return;
    if (colors.length !== positions.length) {
      ctx.issues.push({
        code: "custom",
        message: `has ${colors.length} numbers, one rgb per point needs ${positions.length}`,
        input: colors,
        path: ["colors"],
      });
      return;
    }
    const bad = colors.findIndex((c) => c < 0 || c > 1);
    if (bad >= 0) ctx.issues.push({ code: "custom", message: `item ${bad} is not in 0..1`, input: colors[bad], path: ["colors", bad] });
  });

const ZLine = z.object({
  type: z.literal("line"),
  positions: triples(2),
  color: ZColor.default("#1b1f24"),
  width: z.number().positive().max(20).default(1),
  opacity: ZOpacity,
});

const ZPoints = z.object({
  type: z.literal("points"),
  positions: triples(1),
  color: ZColor.default("#1b1f24"),
  size: z.number().positive().max(100).default(5),
  opacity: ZOpacity,
});

const ZText = z.object({
  type: z.literal("text"),
  text: z.string().max(SCENE3D_LIMITS.text),
  position: ZVec3,
  color: ZColor.default("#1b1f24"),
  size: z.number().positive().max(100).default(14),
});

const ZObject = z.discriminatedUnion("type", [ZMesh, ZLine, ZPoints, ZText]);

const ZShape = z
  .object({
    version: z.literal(1),
    bbox: z.object({ min: ZVec3, max: ZVec3 }).refine((b) => b.min.every((v, i) => v <= (b.max[i] as number)), "min is not below max"),
    aspect_ratio: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).default([1, 1, 1]),
    frame: z.boolean().default(true),
    axes: z.boolean().default(false),
    objects: z.array(ZObject).max(SCENE3D_LIMITS.objects),
  })
  .refine((s) => s.bbox.min.every((v, i) => Math.abs(v) < 1e15 && Math.abs(s.bbox.max[i] as number) < 1e15), "bbox is too large to draw");

/**
 * Counts the numbers a scene holds before zod looks at them, so a scene of a hundred million
 * numbers is turned away at once instead of being checked item by item.
 */
function withinSize(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return null;
  const objects = (value as { objects?: unknown }).objects;
  if (!Array.isArray(objects)) return null;
  if (objects.length > SCENE3D_LIMITS.objects) return `more than ${SCENE3D_LIMITS.objects.toLocaleString("en")} objects`;
  let numbers = 0;
  for (const o of objects) {
    if (typeof o !== "object" || o === null) continue;
    for (const key of ["positions", "indices", "colors"] as const) {
      const a = (o as Record<string, unknown>)[key];
      if (Array.isArray(a)) numbers += a.length;
    }
  }
  return numbers > SCENE3D_LIMITS.numbers ? `more than ${SCENE3D_LIMITS.numbers.toLocaleString("en")} numbers` : null;
}

/** A valid scene, its defaults filled in. */
export const ZScene3d = z
  .unknown()
  .check((ctx) => {
    const tooBig = withinSize(ctx.value);
    if (tooBig) ctx.issues.push({ code: "custom", message: `the scene is too large: ${tooBig}`, input: ctx.value });
  })
  .pipe(ZShape);
export type TScene3d = z.infer<typeof ZShape>;
export type TScene3dObject = TScene3d["objects"][number];

/** A scene, or a short sentence saying what is wrong with it (which field and why). */
export function parseScene3d(value: unknown): { ok: true; scene: TScene3d } | { ok: false; problem: string } {
  const parsed = ZScene3d.safeParse(value);
  if (parsed.success) return { ok: true, scene: parsed.data };
  const issue = parsed.error.issues[0];
  if (!issue) return { ok: false, problem: "the scene is not valid" };
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return { ok: false, problem: `${where}${issue.message}` };
}
