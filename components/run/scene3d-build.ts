import * as THREE from "three";
import { Line2 } from "three/examples/jsm/lines/Line2.js";
import { LineGeometry } from "three/examples/jsm/lines/LineGeometry.js";
import { LineMaterial } from "three/examples/jsm/lines/LineMaterial.js";
import { CSS2DObject } from "three/examples/jsm/renderers/CSS2DRenderer.js";
import type { TScene3d, TScene3dObject } from "./scene3d";

/** A checked scene as three.js objects, centred on the origin, with what the camera needs to frame it. */
export type TBuiltScene = {
  root: THREE.Group;
  /** Half the drawn (aspect-scaled) bounding box along x, y and z; the box is centred on the origin. */
  half: THREE.Vector3;
  /** Half its diagonal. */
  radius: number;
  /** Lines drawn in screen pixels need the canvas size (LineMaterial.resolution). */
  lineMaterials: LineMaterial[];
};

const FRAME_COLOR = "#8c959f";
const TICK_COLOR = "#57606a";
const AXES_COLOR = "#1b1f24";

/**
 * Builds `scene` in its own coordinates inside a group that scales them by `aspect_ratio`
 * (Sage's meaning) and moves the bounding box's centre to the origin, z up.
 */
export function buildScene(scene: TScene3d): TBuiltScene {
  const lineMaterials: LineMaterial[] = [];
  const content = new THREE.Group();
  for (const o of scene.objects) content.add(buildObject(o, lineMaterials));

  const min = new THREE.Vector3(...scene.bbox.min);
  const max = new THREE.Vector3(...scene.bbox.max);
  if (scene.frame) content.add(frameOf(min, max), frameLabels(min, max));
  if (scene.axes) content.add(axesOf(min, max));

  const scale = new THREE.Vector3(...scene.aspect_ratio);
  const center = min.clone().add(max).multiplyScalar(0.5);
  content.scale.copy(scale);
  content.position.copy(center.clone().multiply(scale).negate());
  const root = new THREE.Group();
  root.add(content);

  const half = max.clone().sub(min).multiply(scale).multiplyScalar(0.5);
  // A single point (or an empty scene) has no size: frame a unit around it.
  if (half.length() === 0) half.setScalar(1 / Math.sqrt(3));
  return { root, half, radius: half.length(), lineMaterials };
}

function buildObject(o: TScene3dObject, lineMaterials: LineMaterial[]): THREE.Object3D {
  switch (o.type) {
    case "mesh": {
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute("position", new THREE.Float32BufferAttribute(o.positions, 3));
      geometry.setIndex(o.indices);
      geometry.computeVertexNormals();
      if (o.colors) geometry.setAttribute("color", new THREE.Float32BufferAttribute(srgbToLinear(o.colors), 3));
      const transparent = o.opacity < 1;
      const material = new THREE.MeshPhongMaterial({
        color: o.colors ? "#ffffff" : o.color,
        vertexColors: o.colors !== undefined,
        // Surfaces are seen from both sides as the reader turns them.
        side: THREE.DoubleSide,
        flatShading: !o.smooth,
        shininess: 30,
        specular: "#262626",
        transparent,
        opacity: o.opacity,
        // A see-through surface must not hide what is behind it from the depth test.
        depthWrite: !transparent,
        // Lines on a surface (a frame edge, a mesh line) stay visible rather than flicker.
        polygonOffset: true,
        polygonOffsetFactor: 1,
        polygonOffsetUnits: 1,
      });
      return new THREE.Mesh(geometry, material);
    }
    case "line": {
      const geometry = new LineGeometry();
      geometry.setPositions(o.positions);
      const material = new LineMaterial({ color: o.color, linewidth: o.width, transparent: o.opacity < 1, opacity: o.opacity });
      lineMaterials.push(material);
      return new Line2(geometry, material);
    }
    case "points": {
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute("position", new THREE.Float32BufferAttribute(o.positions, 3));
      const material = new THREE.PointsMaterial({
        color: o.color,
        size: o.size,
        sizeAttenuation: false,
        map: dotTexture(),
        alphaTest: 0.5,
        transparent: o.opacity < 1,
        opacity: o.opacity,
      });
      return new THREE.Points(geometry, material);
    }
    case "text":
      return label(o.text, o.position, o.color, o.size);
  }
}

/** The twelve edges of the bounding box. */
function frameOf(min: THREE.Vector3, max: THREE.Vector3): THREE.LineSegments {
  const c = [min, max];
  const points: THREE.Vector3[] = [];
  const corner = (i: number, j: number, k: number) => new THREE.Vector3(c[i]!.x, c[j]!.y, c[k]!.z);
  for (const a of [0, 1])
    for (const b of [0, 1]) {
      points.push(corner(0, a, b), corner(1, a, b)); // along x
      points.push(corner(a, 0, b), corner(a, 1, b)); // along y
      points.push(corner(a, b, 0), corner(a, b, 1)); // along z
    }
  const geometry = new THREE.BufferGeometry().setFromPoints(points);
  return new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ color: FRAME_COLOR }));
}

/**
 * The ranges, as Sage's frame shows them: x and y under the ends of the bottom edges nearest
 * the starting camera (on the +x, +y side), z beside the vertical edge that starts out on the
 * left, a little outside the box so the numbers do not sit on the plot; each edge's axis name
 * by its middle.
 */
function frameLabels(min: THREE.Vector3, max: THREE.Vector3): THREE.Group {
  const size = max.clone().sub(min);
  // A flat box (a plot in z = 0) still needs some room beside its edges.
  const room = Math.max(size.x, size.y, size.z) * 0.03;
  const group = new THREE.Group();
  const add = (text: string, at: [number, number, number], beside: boolean) => {
    const l = label(text, at, TICK_COLOR, 12);
    // Anchored by its top centre (under the point) or its right middle (left of it).
    if (beside) l.center.set(1.3, 0.5);
    else l.center.set(0.5, -0.3);
    group.add(l);
  };
  for (const x of [min.x, max.x]) add(tick(x), [x, max.y + room, min.z], false);
  for (const y of [min.y, max.y]) add(tick(y), [max.x + room, y, min.z], false);
  for (const z of [min.z, max.z]) add(tick(z), [max.x, min.y, z], true);
  // Which range is which: the axis' name by the middle of its edge.
  const mid = min.clone().add(max).multiplyScalar(0.5);
  add("x", [mid.x, max.y + room, min.z], false);
  add("y", [max.x + room, mid.y, min.z], false);
  add("z", [max.x, min.y, mid.z], true);
  return group;
}

/** A bound as a short number: three significant digits, no "-0". */
export function tick(value: number): string {
  const short = Number(value.toPrecision(3));
  return Object.is(short, -0) ? "0" : String(short);
}

/** x, y and z axes through the origin (or the nearest point of the box), labelled at their ends. */
function axesOf(min: THREE.Vector3, max: THREE.Vector3): THREE.Group {
  const o = new THREE.Vector3(0, 0, 0).clamp(min, max);
  const group = new THREE.Group();
  const points: THREE.Vector3[] = [];
  const ends: [string, THREE.Vector3][] = [
    ["x", new THREE.Vector3(max.x, o.y, o.z)],
    ["y", new THREE.Vector3(o.x, max.y, o.z)],
    ["z", new THREE.Vector3(o.x, o.y, max.z)],
  ];
  points.push(
    new THREE.Vector3(min.x, o.y, o.z),
    ends[0]![1],
    new THREE.Vector3(o.x, min.y, o.z),
    ends[1]![1],
    new THREE.Vector3(o.x, o.y, min.z),
    ends[2]![1],
  );
  group.add(new THREE.LineSegments(new THREE.BufferGeometry().setFromPoints(points), new THREE.LineBasicMaterial({ color: AXES_COLOR })));
  for (const [name, end] of ends) {
    const l = label(name, [end.x, end.y, end.z], AXES_COLOR, 14);
    l.center.set(-0.3, 0.5); // beside the end, not on it
    group.add(l);
  }
  return group;
}

/** A label drawn by the browser as text (textContent: a cell's text is never markup). */
function label(text: string, position: readonly [number, number, number], color: string, size: number): CSS2DObject {
  const element = document.createElement("span");
  element.className = "run-scene3d__label";
  element.textContent = text;
  element.style.color = color;
  element.style.fontSize = `${size}px`;
  const object = new CSS2DObject(element);
  object.position.set(...position);
  return object;
}

let dot: THREE.Texture | null = null;
/** A round dot for points (squares by default); one texture shared by every viewer. */
function dotTexture(): THREE.Texture {
  if (dot) return dot;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const g = canvas.getContext("2d");
  if (g) {
    g.fillStyle = "#fff";
    g.beginPath();
    g.arc(32, 32, 30, 0, 2 * Math.PI);
    g.fill();
  }
  dot = new THREE.CanvasTexture(canvas);
  return dot;
}

/** Vertex colors come as sRGB (like `color`); the shaders work in linear light. */
function srgbToLinear(colors: number[]): Float32Array {
  const out = new Float32Array(colors.length);
  for (let i = 0; i < colors.length; i++) {
    const c = colors[i] as number;
    out[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }
  return out;
}

/**
 * Frees the buffers and materials under `root` and removes its labels. The shared dot texture
 * stays: it goes with each renderer's context when the renderer is disposed.
 */
export function disposeScene(root: THREE.Object3D): void {
  root.traverse((o) => {
    // Line2 is a Mesh.
    if (o instanceof THREE.Mesh || o instanceof THREE.Points || o instanceof THREE.LineSegments) {
      o.geometry.dispose();
      const materials: THREE.Material[] = Array.isArray(o.material) ? o.material : [o.material];
      for (const m of materials) m.dispose();
    }
    if (o instanceof CSS2DObject) o.element.remove();
  });
}
