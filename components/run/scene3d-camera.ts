import * as THREE from "three";

/* Where the viewer's camera starts: pure math, tested in scene3d-camera.test.ts. */

/** Sage's default viewpoint, roughly: from the +x, +y side, a little above, z up. */
export const VIEW_DIRECTION = new THREE.Vector3(1.25, 1, 0.8).normalize();
/** The vertical field of view in degrees, narrow for little perspective distortion, like a plot. */
export const FOV = 30;

/**
 * How far along VIEW_DIRECTION the camera must stand for the box of half-sizes `half`, centred
 * on the origin, to fill the view of this aspect (width / height) with a small margin. Tighter
 * than fitting the bounding sphere, which leaves a flat plot small in the middle.
 */
export function fitDistance(half: THREE.Vector3, aspect: number): number {
  const forward = VIEW_DIRECTION.clone().negate();
  const right = forward
    .clone()
    .cross(new THREE.Vector3(0, 0, 1))
    .normalize();
  const up = right.clone().cross(forward);
  const tanV = Math.tan(THREE.MathUtils.degToRad(viewFov(aspect) / 2));
  const tanH = tanV * aspect;
  let distance = 0;
  for (const sx of [-1, 1])
    for (const sy of [-1, 1])
      for (const sz of [-1, 1]) {
        const corner = new THREE.Vector3(sx * half.x, sy * half.y, sz * half.z);
        const depth = corner.dot(VIEW_DIRECTION);
        distance = Math.max(distance, depth + Math.abs(corner.dot(right)) / tanH, depth + Math.abs(corner.dot(up)) / tanV);
      }
  // The margin leaves room for the frame's numbers under its lowest corner.
  return distance * 1.15;
}

/** The vertical field of view: FOV, or on a tall narrow view whatever makes the horizontal one FOV. */
export function viewFov(aspect: number): number {
  return aspect >= 1 ? FOV : THREE.MathUtils.radToDeg(2 * Math.atan(Math.tan(THREE.MathUtils.degToRad(FOV / 2)) / aspect));
}
