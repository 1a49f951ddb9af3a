import * as THREE from "three";
import { describe, expect, it } from "vitest";
import { parseScene3d } from "./scene3d";
import { buildScene, tick } from "./scene3d-build";

describe("buildScene", () => {
  // No frame, axes, points or text: those need a DOM (labels, the dot texture); this runs in Node.
  const parsed = parseScene3d({
    version: 1,
    bbox: { min: [0, 0, 0], max: [2, 4, 1] },
    aspect_ratio: [1, 1, 2],
    frame: false,
    objects: [
      { type: "mesh", positions: [0, 0, 0, 2, 0, 0, 2, 4, 1], indices: [0, 1, 2], colors: [1, 1, 1, 0.5, 0.5, 0.5, 0, 0, 0] },
      { type: "line", positions: [0, 0, 0, 2, 4, 1], width: 2 },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.problem);
  const built = buildScene(parsed.scene);

  it("scales by the aspect ratio and centres the bounding box on the origin", () => {
    const box = new THREE.Box3().setFromObject(built.root);
    expect(box.min.toArray()).toEqual([-1, -2, -1]);
    expect(box.max.toArray()).toEqual([1, 2, 1]);
    expect(built.half.toArray()).toEqual([1, 2, 1]);
    expect(built.radius).toBeCloseTo(Math.sqrt(6));
  });

  it("turns vertex colors from sRGB to linear light, and keeps line materials for their resolution", () => {
    const mesh = built.root.children[0]?.children[0];
    if (!(mesh instanceof THREE.Mesh)) throw new Error("no mesh");
    const colors = mesh.geometry.getAttribute("color");
    expect(colors.getX(0)).toBe(1);
    expect(colors.getX(1)).toBeCloseTo(0.214, 3);
    expect(colors.getX(2)).toBe(0);
    expect(built.lineMaterials).toHaveLength(1);
    expect(built.lineMaterials[0]?.linewidth).toBe(2);
  });
});

describe("tick", () => {
  it("writes a bound with three significant digits", () => {
    expect([3, -3, 3.14159, 0.000123456, 1234567, -0, -1e-20].map(tick)).toEqual(["3", "-3", "3.14", "0.000123", "1230000", "0", "-1e-20"]);
  });
});
