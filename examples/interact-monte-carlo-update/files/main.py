"""Monte Carlo estimate of pi; auto_update=False runs only when Update is pressed."""
import numpy as np
import matplotlib.pyplot as plt

from interact import *  # in a Cellar cell these names are there even without this line


@interact(auto_update=False)
def darts(N=selector([100, 1_000, 10_000, 100_000, 1_000_000], default=1_000, label="darts N"),
          seed=input_box(1, label="random seed"),
          show=checkbox(True, label="draw the darts")):
    rng = np.random.default_rng(int(seed))
    points = rng.random((N, 2))
    inside = (points ** 2).sum(axis=1) <= 1
    estimate = 4 * inside.mean()
    print(f"{inside.sum():,} of {N:,} darts inside: π ≈ {estimate:.5f} (error {estimate - np.pi:+.5f})")
    if show:
        shown = points[:5000]
        fig, ax = plt.subplots(figsize=(4, 4))
        ax.scatter(*shown.T, s=2, c=np.where(inside[:5000], "#2563eb", "#f97316"))
        t = np.linspace(0, np.pi / 2, 100)
        ax.plot(np.cos(t), np.sin(t), color="black")
        ax.set_aspect("equal")
        ax.set_title("the first 5,000 darts" if N > 5000 else f"{N} darts")
        fig.tight_layout()
