import matplotlib.pyplot as plt
import numpy as np


def escape_times(xmin, xmax, ymin, ymax, width, height, max_iter):
    """Number of steps before |z| > 2 for every point c of a grid (max_iter if it never does)."""
    x = np.linspace(xmin, xmax, width)
    y = np.linspace(ymin, ymax, height)
    c = x[np.newaxis, :] + 1j * y[:, np.newaxis]
    z = np.zeros_like(c)
    steps = np.full(c.shape, max_iter, dtype=int)
    alive = np.ones(c.shape, dtype=bool)
    for n in range(max_iter):
        z[alive] = z[alive] ** 2 + c[alive]
        escaped = alive & (np.abs(z) > 2)
        steps[escaped] = n
        alive &= ~escaped
    return steps


extent = (-2.2, 0.8, -1.2, 1.2)
steps = escape_times(*extent, width=900, height=720, max_iter=80)
inside = np.count_nonzero(steps == 80) / steps.size
area = inside * (extent[1] - extent[0]) * (extent[3] - extent[2])
print(f"Estimated area of the Mandelbrot set: {area:.3f} (the true value is about 1.506)")

fig, ax = plt.subplots(figsize=(7.5, 6))
ax.imshow(steps, extent=extent, origin="lower", cmap="magma")
ax.set_xlabel("Re $c$")
ax.set_ylabel("Im $c$")
ax.set_title("Escape time of $z \\mapsto z^2 + c$, starting from $z = 0$")
plt.show()
