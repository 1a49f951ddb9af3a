"""A 3D scene as the Sage kernel will send it (application/vnd.cellar.scene3d+json, docs/exec.md),
built with numpy, for the viewer's end-to-end test (test/e2e/scene3d.spec.ts) and for trying
the viewer by hand: put this file beside main.py in a snippet and run

    from scene3d_demo import show_surface
    show_surface()
"""

import base64
import io

import numpy as np
from cellar import display

MIME = "application/vnd.cellar.scene3d+json"


def surface_scene(n=40):
    """z = sin(x) cos(y) on an n x n grid over [-3, 3]^2, with a curve on it, its peaks as points
    and a label: one object of each kind."""
    t = np.linspace(-3, 3, n)
    x, y = np.meshgrid(t, t, indexing="ij")
    z = np.sin(x) * np.cos(y)
    positions = np.stack([x, y, z], axis=-1).reshape(-1)
    k = np.arange(n * n).reshape(n, n)
    a, b, c, d = k[:-1, :-1].ravel(), k[1:, :-1].ravel(), k[1:, 1:].ravel(), k[:-1, 1:].ravel()
    indices = np.stack([a, b, c, a, c, d], axis=-1).reshape(-1)
    # Colour by height, blue (low) to orange (high), like a colormap.
    h = ((z - z.min()) / (z.max() - z.min())).reshape(-1)
    colors = np.stack([0.2 + 0.75 * h, 0.35 + 0.3 * h, 0.85 - 0.7 * h], axis=-1).reshape(-1)
    s = np.linspace(-3, 3, 120)
    curve = np.stack([s, np.zeros_like(s), np.sin(s) + 0.02], axis=-1).reshape(-1)
    # A little off the surface, so it does not hide half of each dot.
    peaks = [np.pi / 2, 0, 1.03, -np.pi / 2, 0, -0.97]
    return {
        "version": 1,
        "bbox": {"min": [-3, -3, -1], "max": [3, 3, 1]},
        "aspect_ratio": [1, 1, 1],
        "frame": True,
        "axes": False,
        "objects": [
            {"type": "mesh", "positions": positions.tolist(), "indices": indices.tolist(),
             "color": "#4a78c8", "opacity": 1.0, "colors": colors.tolist(), "smooth": True},
            {"type": "line", "positions": curve.tolist(), "color": "#b42318", "width": 3.0, "opacity": 1.0},
            {"type": "points", "positions": peaks, "color": "#1b1f24", "size": 9.0, "opacity": 1.0},
            {"type": "text", "text": "<b>peak</b>", "position": [np.pi / 2, 0, 1.25], "color": "#1b1f24", "size": 14},
        ],
    }


def static_png(scene):
    """The scene's mesh drawn by matplotlib, as base64 PNG: the fallback image."""
    import matplotlib.pyplot as plt

    mesh = scene["objects"][0]
    p = np.array(mesh["positions"]).reshape(-1, 3)
    fig = plt.figure(figsize=(4, 3), dpi=80)
    ax = fig.add_subplot(projection="3d")
    ax.plot_trisurf(p[:, 0], p[:, 1], p[:, 2], triangles=np.array(mesh["indices"]).reshape(-1, 3), cmap="coolwarm")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    # Closed, so the kernel does not also send the figure at the end of the cell.
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def show(scene, png=None):
    display({MIME: scene, "image/png": png if png is not None else static_png(surface_scene()), "text/plain": "Graphics3d Object"}, raw=True)


def show_surface():
    scene = surface_scene()
    show(scene, static_png(scene))


def show_invalid():
    """A scene whose last triangle points past the mesh's points: the page must refuse it."""
    scene = surface_scene(n=4)
    scene["objects"][0]["indices"][-1] = 999
    show(scene)
