import { describe, expect, it } from "vitest";
import { SCENE3D_MIME, pickMime } from "./mime";

describe("pickMime", () => {
  const scene = { version: 1, bbox: { min: [0, 0, 0], max: [1, 1, 1] }, objects: [] };

  it("prefers a 3D scene to the bundle's image, and keeps the PNG for the fallback", () => {
    expect(pickMime({ [SCENE3D_MIME]: scene, "image/png": "iVBORw0K\nGgo=", "text/plain": "Graphics3d" })).toEqual({
      type: SCENE3D_MIME,
      scene,
      fallback: "iVBORw0KGgo=",
    });
  });

  it("passes the scene on unchecked, without a fallback when the PNG is missing or not base64", () => {
    expect(pickMime({ [SCENE3D_MIME]: "not a scene" })).toEqual({ type: SCENE3D_MIME, scene: "not a scene", fallback: null });
    expect(pickMime({ [SCENE3D_MIME]: scene, "image/png": "<svg onload=alert(1)>" })).toEqual({ type: SCENE3D_MIME, scene, fallback: null });
  });

  it("still shows a plot's PNG when there is no scene", () => {
    expect(pickMime({ "image/png": "iVBORw0KGgo=", "text/plain": "<Figure>" })).toEqual({ type: "image/png", base64: "iVBORw0KGgo=" });
  });
});
