import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { CSS2DRenderer } from "three/examples/jsm/renderers/CSS2DRenderer.js";
import { buildScene, disposeScene, type TBuiltScene } from "./scene3d-build";
import type { TScene3d } from "./scene3d";
import { FOV, VIEW_DIRECTION, fitDistance, viewFov } from "./scene3d-camera";

/** Where the camera is, kept while the viewer's context is released (scrolled away) and restored after. */
export type TCameraState = { position: THREE.Vector3; target: THREE.Vector3 };

const KEY_ROTATE = Math.PI / 24;
const KEY_ZOOM = 1.2;

/**
 * A WebGL view of one scene in `host`: orbit (drag), zoom (wheel, pinch), pan (right drag or
 * two fingers), drawn only when something changed. Throws when WebGL is unavailable.
 */
export class Scene3dViewer {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly labels: CSS2DRenderer;
  private readonly camera: THREE.PerspectiveCamera;
  private readonly controls: OrbitControls;
  private readonly world = new THREE.Scene();
  private readonly built: TBuiltScene;
  private readonly resizer: ResizeObserver;
  private frame = 0;
  private disposed = false;

  constructor(
    private readonly host: HTMLElement,
    scene: TScene3d,
    saved: TCameraState | null,
    onContextLost: () => void,
  ) {
    // Throws "Error creating WebGL context." when there is none to have.
    this.renderer = new THREE.WebGLRenderer({ antialias: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.setClearColor("#ffffff");
    const canvas = this.renderer.domElement;
    canvas.className = "run-scene3d__canvas";
    canvas.addEventListener("webglcontextlost", (e) => {
      e.preventDefault();
      // dispose() loses the context on purpose.
      if (!this.disposed) onContextLost();
    });
    this.labels = new CSS2DRenderer();
    this.labels.domElement.className = "run-scene3d__labels";
    host.append(canvas, this.labels.domElement);

    this.built = buildScene(scene);
    this.world.add(this.built.root);

    const r = this.built.radius;
    this.camera = new THREE.PerspectiveCamera(FOV, 1, r / 100, r * 100);
    this.camera.up.set(0, 0, 1);
    // The light turns with the camera, from over the viewer's left shoulder, so the side in view is lit.
    const light = new THREE.DirectionalLight("#ffffff", 2.2);
    light.position.set(-0.5, 1, 1);
    this.camera.add(light);
    this.world.add(this.camera, new THREE.AmbientLight("#ffffff", 1.1));

    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.minDistance = r / 20;
    this.controls.maxDistance = r * 20;
    const aspect = host.clientWidth > 0 && host.clientHeight > 0 ? host.clientWidth / host.clientHeight : 4 / 3;
    this.camera.position.copy(VIEW_DIRECTION).multiplyScalar(fitDistance(this.built.half, aspect));
    this.controls.update();
    // Reset view returns here.
    this.controls.saveState();
    if (saved) {
      this.camera.position.copy(saved.position);
      this.controls.target.copy(saved.target);
      this.controls.update();
    }
    this.controls.addEventListener("change", () => this.requestRender());

    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(host);
    this.resize();
  }

  /** The view as the controls left it. */
  cameraState(): TCameraState {
    return { position: this.camera.position.clone(), target: this.controls.target.clone() };
  }

  resetView(): void {
    this.controls.reset();
  }

  /** Turns the scene: `left` around z, `up` over it, in steps (the arrow keys). */
  rotate(left: number, up: number): void {
    if (left) this.controls.rotateLeft(left * KEY_ROTATE);
    if (up) this.controls.rotateUp(up * KEY_ROTATE);
  }

  /** Moves the camera nearer (`steps` > 0) or farther (the + and - keys). */
  zoom(steps: number): void {
    const factor = KEY_ZOOM ** Math.abs(steps);
    if (steps > 0) this.controls.dollyOut(factor);
    else this.controls.dollyIn(factor);
  }

  /** Draws on the next frame, once however many changes come before it. */
  requestRender(): void {
    if (this.frame || this.disposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderer.render(this.world, this.camera);
      this.labels.render(this.world, this.camera);
    });
  }

  private resize(): void {
    const width = this.host.clientWidth;
    const height = this.host.clientHeight;
    if (width === 0 || height === 0) return;
    // The CSS sizes the canvas; only its drawing buffer follows here.
    this.renderer.setSize(width, height, false);
    this.labels.setSize(width, height);
    this.camera.aspect = width / height;
    this.camera.fov = viewFov(this.camera.aspect);
    this.camera.updateProjectionMatrix();
    for (const m of this.built.lineMaterials) m.resolution.set(width, height);
    this.requestRender();
  }

  /** Frees the WebGL context at once (a page may hold only ~16) and everything drawn in it. */
  dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.frame);
    this.resizer.disconnect();
    this.controls.dispose();
    disposeScene(this.world);
    this.renderer.dispose();
    this.renderer.forceContextLoss();
    this.renderer.domElement.remove();
    this.labels.domElement.remove();
  }
}
