import { describe, expect, it } from "vitest";
import { SCENE3D_LIMITS, parseScene3d } from "./scene3d";

/** A unit square in z = 0, as two triangles, in a scene with the given extras. */
function scene(extra: Record<string, unknown> = {}, mesh: Record<string, unknown> = {}) {
  return {
    version: 1,
    bbox: { min: [0, 0, 0], max: [1, 1, 0] },
    objects: [{ type: "mesh", positions: [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0], indices: [0, 1, 2, 0, 2, 3], ...mesh }],
    ...extra,
  };
}

function problemOf(value: unknown): string {
  const parsed = parseScene3d(value);
  if (parsed.ok) throw new Error("expected the scene to be refused");
  return parsed.problem;
}

describe("parseScene3d", () => {
  it("takes a scene of every kind of object and fills in the defaults", () => {
    const parsed = parseScene3d(
      scene({
        aspect_ratio: [1, 1, 2],
        objects: [
          { type: "mesh", positions: [0, 0, 0, 1, 0, 0, 0, 1, 0], indices: [0, 1, 2], colors: [1, 0, 0, 0, 1, 0, 0, 0, 1], smooth: false },
          { type: "line", positions: [0, 0, 0, 1, 1, 1], color: "#ff0000", width: 2 },
          { type: "points", positions: [0.5, 0.5, 0.5], size: 8, opacity: 0.5 },
          { type: "text", text: "<b>peak</b>", position: [1, 1, 1] },
        ],
      }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const s = parsed.scene;
    expect(s.aspect_ratio).toEqual([1, 1, 2]);
    expect(s.frame).toBe(true);
    expect(s.axes).toBe(false);
    expect(s.objects.map((o) => o.type)).toEqual(["mesh", "line", "points", "text"]);
    expect(s.objects[0]).toMatchObject({ opacity: 1, smooth: false });
    expect(s.objects[1]).toMatchObject({ color: "#ff0000", width: 2, opacity: 1 });
    // Text stays text: the viewer sets it as textContent.
    expect(s.objects[3]).toMatchObject({ text: "<b>peak</b>", size: 14 });
  });

  it("refuses what is not a version 1 scene", () => {
    expect(problemOf("Graphics3d")).toMatch(/object/i);
    expect(problemOf({ ...scene(), version: 2 })).toMatch(/^version: /);
    expect(problemOf({ ...scene(), objects: undefined })).toMatch(/^objects: /);
  });

  it("names the field and the reason when a number is not finite or a value is out of range", () => {
    expect(problemOf(scene({}, { positions: [0, 0, 0, 1, 0, 0, 1, null, 0, 0, 1, 0] }))).toBe("objects.0.positions.7: item 7 is not a finite number");
    expect(problemOf(scene({}, { positions: [0, 0, 0, 1, 0, 0, 1, "1", 0, 0, 1, 0] }))).toMatch(/^objects\.0\.positions\.7: /);
    expect(problemOf(scene({}, { positions: [0, 0, 0, 1, 0, 0, 1, 1] }))).toMatch(/^objects\.0\.positions: .*multiple of 3/);
    expect(problemOf(scene({}, { opacity: 1.5 }))).toMatch(/^objects\.0\.opacity: /);
    expect(problemOf(scene({}, { color: "red; background: url(x)" }))).toMatch(/^objects\.0\.color: a color is #rrggbb/);
    expect(problemOf(scene({ aspect_ratio: [1, 0, 1] }))).toMatch(/^aspect_ratio\.1: /);
    expect(problemOf(scene({ bbox: { min: [0, 0, 0], max: [1, -1, 0] } }))).toMatch(/^bbox: min is not below max/);
    expect(problemOf(scene({ bbox: { min: [0, 0], max: [1, 1, 0] } }))).toMatch(/^bbox\.min/);
  });

  it("refuses a triangle whose index is not a point of its mesh", () => {
    expect(problemOf(scene({}, { indices: [0, 1, 4] }))).toBe("objects.0.indices.2: index 4 is not a point of this mesh (it has 4)");
    expect(problemOf(scene({}, { indices: [0, -1, 2] }))).toMatch(/^objects\.0\.indices\.1: /);
    expect(problemOf(scene({}, { indices: [0, 1.5, 2] }))).toMatch(/^objects\.0\.indices\.1: /);
    expect(problemOf(scene({}, { indices: [0, 1] }))).toMatch(/^objects\.0\.indices: .*multiple of 3/);
  });

  it("refuses vertex colors that are not one rgb in 0..1 per point", () => {
    expect(problemOf(scene({}, { colors: [1, 0, 0] }))).toMatch(/^objects\.0\.colors: has 3 numbers/);
    expect(problemOf(scene({}, { colors: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0] }))).toBe("objects.0.colors.10: item 10 is not in 0..1");
  });

  it("refuses an unknown kind of object and overlong text", () => {
    expect(problemOf(scene({ objects: [{ type: "script", src: "x.js" }] }))).toMatch(/^objects\.0/);
    expect(problemOf(scene({ objects: [{ type: "text", text: "x".repeat(SCENE3D_LIMITS.text + 1), position: [0, 0, 0] }] }))).toMatch(/^objects\.0\.text: /);
    expect(parseScene3d(scene({ objects: [{ type: "text", text: "x".repeat(SCENE3D_LIMITS.text), position: [0, 0, 0] }] })).ok).toBe(true);
  });

  it("turns away a scene with too many numbers or objects before checking them one by one", () => {
    const big = new Array<number>(SCENE3D_LIMITS.numbers + 3).fill(0);
    expect(problemOf(scene({ objects: [{ type: "points", positions: big }] }))).toBe("the scene is too large: more than 1,000,000 numbers");
    const many = Array.from({ length: SCENE3D_LIMITS.objects + 1 }, () => ({ type: "points", positions: [0, 0, 0] }));
    expect(problemOf(scene({ objects: many }))).toBe("the scene is too large: more than 10,000 objects");
    // At the limit it is fine.
    const fits = new Array<number>(SCENE3D_LIMITS.numbers - 1).fill(0.5);
    expect(parseScene3d(scene({ objects: [{ type: "points", positions: fits }] })).ok).toBe(true);
  });
});
