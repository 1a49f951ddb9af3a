import * as THREE from "three";
import { describe, expect, it } from "vitest";
import { VIEW_DIRECTION, fitDistance, viewFov } from "./scene3d-camera";

/** The bounding box's corners on screen (normalised device coordinates) from the starting camera. */
function cornersOnScreen(half: THREE.Vector3, aspect: number): THREE.Vector3[] {
  const camera = new THREE.PerspectiveCamera(viewFov(aspect), aspect, 0.01, 1000);
  camera.up.set(0, 0, 1);
  camera.position.copy(VIEW_DIRECTION).multiplyScalar(fitDistance(half, aspect));
  camera.lookAt(0, 0, 0);
  camera.updateMatrixWorld();
  const corners: THREE.Vector3[] = [];
  for (const sx of [-1, 1])
    for (const sy of [-1, 1]) for (const sz of [-1, 1]) corners.push(new THREE.Vector3(sx * half.x, sy * half.y, sz * half.z).project(camera));
  return corners;
}

describe("fitDistance", () => {
  it.each([
    ["a cube in a 4:3 view", new THREE.Vector3(1, 1, 1), 4 / 3],
    ["a flat surface plot in a wide view", new THREE.Vector3(3, 3, 1), 1070 / 480],
    ["a tall box on a phone", new THREE.Vector3(0.5, 0.5, 4), 0.75],
    ["a long thin box", new THREE.Vector3(100, 0.1, 0.1), 4 / 3],
  ])("fills the view with %s, every corner inside it", (_name, half, aspect) => {
    const corners = cornersOnScreen(half, aspect);
    const reach = Math.max(...corners.map((c) => Math.max(Math.abs(c.x), Math.abs(c.y))));
    for (const c of corners) expect(c.z, "a corner behind the camera").toBeLessThan(1);
    // Inside, with the margin, and not lost in the middle either.
    expect(reach).toBeLessThan(1);
    expect(reach).toBeGreaterThan(0.75);
  });

  it("looks from the +x, +y side and from above, so z is up and the plot's top is seen", () => {
    expect(VIEW_DIRECTION.x).toBeGreaterThan(0);
    expect(VIEW_DIRECTION.y).toBeGreaterThan(0);
    expect(VIEW_DIRECTION.z).toBeGreaterThan(0);
    // cornersOnScreen lists each (x, y) corner's bottom (z < 0) then its top.
    const corners = cornersOnScreen(new THREE.Vector3(1, 1, 1), 4 / 3);
    const meanY = (top: boolean) => corners.filter((_, i) => (i % 2 === 1) === top).reduce((sum, c) => sum + c.y, 0) / 4;
    expect(meanY(true)).toBeGreaterThan(meanY(false) + 0.5);
  });
});
