"""The image of the unit square and circle under a matrix typed into an input grid."""
import numpy as np
import matplotlib.pyplot as plt

from interact import *  # in a Cellar cell these names are there even without this line


@interact
def transform(A=input_grid(2, 2, default=[[1, 1], [0.5, 1.5]], label="A =", to_value=np.array)):
    A = np.asarray(A, dtype=float)
    square = np.array([[0, 1, 1, 0, 0], [0, 0, 1, 1, 0]])
    t = np.linspace(0, 2 * np.pi, 200)
    circle = np.array([np.cos(t), np.sin(t)])
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.fill(*square, color="#93c5fd", alpha=0.5, label="unit square")
    ax.fill(*(A @ square), color="#fca5a5", alpha=0.6, label="its image")
    ax.plot(*circle, color="#2563eb", linewidth=1)
    ax.plot(*(A @ circle), color="#dc2626", linewidth=1)
    values, vectors = np.linalg.eig(A)
    if np.all(np.isreal(values)):
        for vector in vectors.T.real:
            ax.plot(*np.outer([-3, 3], vector).T, linestyle="--", color="#555", linewidth=0.8)
        eig = ", ".join(f"{v:.3g}" for v in values.real)
    else:
        eig = ", ".join(f"{v:.3g}" for v in values)
    ax.set_aspect("equal")
    lim = max(2, 1.2 * np.abs(A @ square).max())
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.axhline(0, color="#999", linewidth=0.6)
    ax.axvline(0, color="#999", linewidth=0.6)
    ax.legend(loc="lower right")
    ax.set_title(f"det A = {np.linalg.det(A):.3g};  eigenvalues {eig}")
    fig.tight_layout()
