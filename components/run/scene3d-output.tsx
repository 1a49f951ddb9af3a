"use client";

import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { parseScene3d, type TScene3d } from "./scene3d";
import { Scene3dViewer, type TCameraState } from "./scene3d-viewer";
import { acquireSlot, waitForSlot } from "./webgl-slots";

/*
 * A cell's 3D scene (application/vnd.cellar.scene3d+json) in a WebGL viewer, with the bundle's
 * PNG as the fallback: when the scene is invalid, when the browser has no WebGL, or when the
 * reader asks for the image. Loaded with next/dynamic, so three.js is fetched only by pages
 * that show a scene. The viewer holds a WebGL context only while it is near the screen.
 */

type TProps = { scene: unknown; fallback: string | null; alt: string };

const UNAVAILABLE = "3D viewer unavailable: showing a static image";

export default function Scene3dOutput({ scene, fallback, alt }: TProps) {
  const parsed = useMemo(() => parseScene3d(scene), [scene]);
  if (!parsed.ok) {
    const problem = `Invalid 3D scene (${parsed.problem})`;
    return <StaticImage note={fallback ? `${problem}: showing a static image` : problem} fallback={fallback} alt={alt} />;
  }
  return <Viewer scene={parsed.scene} fallback={fallback} alt={alt} />;
}

function Viewer({ scene, fallback, alt }: { scene: TScene3d; fallback: string | null; alt: string }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewerRef = useRef<Scene3dViewer | null>(null);
  // The view survives the context being released while scrolled away.
  const cameraRef = useRef<TCameraState | null>(null);
  const [showImage, setShowImage] = useState(false);
  const [nearScreen, setNearScreen] = useState(false);
  const [live, setLive] = useState(false);
  const [unavailable, setUnavailable] = useState(false);
  // Bumped when another viewer frees a context, to try again for one.
  const [slotFreed, setSlotFreed] = useState(0);

  const wantsViewer = !showImage && !unavailable;

  useEffect(() => {
    const host = hostRef.current;
    if (!host || !wantsViewer) return;
    const observer = new IntersectionObserver((entries) => setNearScreen(entries.some((e) => e.isIntersecting)), { rootMargin: "200px" });
    observer.observe(host);
    return () => observer.disconnect();
  }, [wantsViewer]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host || !wantsViewer || !nearScreen) return;
    const slot = acquireSlot();
    if (!slot) return waitForSlot(() => setSlotFreed((n) => n + 1));
    let viewer: Scene3dViewer;
    try {
      viewer = new Scene3dViewer(host, scene, cameraRef.current, () => setUnavailable(true));
    } catch {
      slot.release();
      setUnavailable(true);
      return;
    }
    viewerRef.current = viewer;
    setLive(true);
    return () => {
      cameraRef.current = viewer.cameraState();
      viewerRef.current = null;
      viewer.dispose();
      slot.release();
      setLive(false);
    };
  }, [scene, wantsViewer, nearScreen, slotFreed]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const viewer = viewerRef.current;
    if (!viewer || e.altKey || e.ctrlKey || e.metaKey) return;
    const step = e.shiftKey ? 3 : 1;
    switch (e.key) {
      case "ArrowLeft":
        viewer.rotate(step, 0);
        break;
      case "ArrowRight":
        viewer.rotate(-step, 0);
        break;
      case "ArrowUp":
        viewer.rotate(0, step);
        break;
      case "ArrowDown":
        viewer.rotate(0, -step);
        break;
      case "+":
      case "=":
        viewer.zoom(1);
        break;
      case "-":
      case "_":
        viewer.zoom(-1);
        break;
      default:
        return;
    }
    // The page does not scroll while the reader turns the plot.
    e.preventDefault();
  }

  if (unavailable) return <StaticImage note={fallback ? UNAVAILABLE : "3D viewer unavailable (this browser has no WebGL)"} fallback={fallback} alt={alt} />;

  return (
    <figure className="run-scene3d">
      {showImage && fallback ? (
        <Image fallback={fallback} alt={alt} />
      ) : (
        <div
          ref={hostRef}
          className="run-scene3d__view"
          tabIndex={0}
          role="application"
          aria-roledescription="3D viewer"
          aria-label={`${alt}. Drag or press the arrow keys to turn it; scroll or press + and - to zoom.`}
          onKeyDown={onKeyDown}
        >
          {/* Until the viewer draws (off screen, or waiting for a free WebGL context), the static image holds its place. */}
          {!live && fallback ? <Image fallback={fallback} alt="" className="run-scene3d__placeholder" /> : null}
        </div>
      )}
      <div className="run-scene3d__bar">
        {showImage ? null : (
          <button type="button" className="button button--small" disabled={!live} onClick={() => viewerRef.current?.resetView()}>
            Reset view
          </button>
        )}
        {fallback ? (
          <button type="button" className="button button--small" aria-pressed={showImage} onClick={() => setShowImage((s) => !s)}>
            Image
          </button>
        ) : null}
        {showImage ? null : (
          <span className="run-scene3d__hint" aria-hidden="true">
            Drag to turn, scroll or pinch to zoom, right-drag to pan
          </span>
        )}
      </div>
    </figure>
  );
}

function StaticImage({ note, fallback, alt }: { note: string; fallback: string | null; alt: string }) {
  return (
    <div className="run-scene3d">
      <p className="run-scene3d__note">{note}</p>
      {fallback ? <Image fallback={fallback} alt={alt} /> : null}
    </div>
  );
}

function Image({ fallback, alt, className = "run-image" }: { fallback: string; alt: string; className?: string }) {
  // eslint-disable-next-line @next/next/no-img-element -- a data: URL; next/image has nothing to optimise.
  return <img className={className} src={`data:image/png;base64,${fallback}`} alt={alt} />;
}
