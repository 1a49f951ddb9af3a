import matplotlib.pyplot as plt
import numpy as np

theta = np.pi / 6
matrices = {
    "rotation by 30°": np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]),
    "shear": np.array([[1.0, 1.0], [0.0, 1.0]]),
    "symmetric stretch": np.array([[2.0, 1.0], [1.0, 2.0]]),
    "reflection": np.array([[0.0, 1.0], [1.0, 0.0]]),
}

t = np.linspace(0, 2 * np.pi, 200)
circle = np.vstack([np.cos(t), np.sin(t)])
gx, gy = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
grid = np.vstack([gx.ravel(), gy.ravel()])

fig, axes = plt.subplots(1, len(matrices), figsize=(16, 4.5))
for ax, (name, A) in zip(axes, matrices.items()):
    values, vectors = np.linalg.eig(A)
    print(f"{name}:\n{np.round(A, 3)}")
    print("  eigenvalues:", ", ".join(f"{v:.3f}".replace("+0.000j", "") for v in np.round(values, 3)))
    if np.iscomplexobj(values) and np.any(np.abs(values.imag) > 1e-12):
        print("  complex eigenvalues: no real direction is left unchanged")
    else:
        rank = np.linalg.matrix_rank(vectors)
        print(f"  independent eigenvectors: {rank}{'  (not diagonalisable)' if rank < 2 else ''}")
    print()

    image = A @ circle
    moved = A @ grid
    ax.plot(*circle, color="lightgray", lw=1)
    ax.plot(*image, color="tab:blue", lw=1.5)
    ax.quiver(*grid, *(moved - grid), angles="xy", scale_units="xy", scale=1, width=0.004, color="tab:gray")
    for value, vector in zip(values, vectors.T):
        if abs(value.imag) < 1e-12:
            v = vector.real / np.linalg.norm(vector.real)
            ax.plot(*np.outer([-3, 3], v).T, color="tab:red", lw=1, ls="--")
    ax.set_xlim(-3.2, 3.2)
    ax.set_ylim(-3.2, 3.2)
    ax.set_aspect("equal")
    ax.set_title(f"{name}\n$\\lambda$ = " + ", ".join(f"{v:.2g}" for v in np.round(values, 2)))
plt.show()
