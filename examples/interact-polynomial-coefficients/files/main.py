"""A nested interact: an outer selector for the degree, an inner interact with one slider per coefficient."""
import numpy as np
import matplotlib.pyplot as plt

from interact import *  # in a Cellar cell these names are there even without this line


@interact
def degree(n=selector([1, 2, 3, 4, 5], default=3, label="degree n", buttons=True)):
    print("p(x) = " + " + ".join(f"c{k}·x^{k}" if k > 1 else ("c1·x" if k == 1 else "c0") for k in range(n + 1)))

    # One slider per coefficient: the controls of the inner interact depend on n.
    controls = [(f"c{k}", slider(-3, 3, 0.1, default=1.0 if k == n else 0.0)) for k in range(n + 1)]

    @interact(controls=controls)
    def coefficients(**c):
        coeffs = [c[f"c{k}"] for k in range(n + 1)]
        x = np.linspace(-3, 3, 400)
        y = np.polyval(coeffs[::-1], x)
        fig, ax = plt.subplots(figsize=(6, 3.2))
        ax.plot(x, y, color="#7c3aed")
        ax.axhline(0, color="#999", linewidth=0.8)
        roots = [r.real for r in np.roots(coeffs[::-1]) if abs(r.imag) < 1e-9 and -3 <= r.real <= 3] if any(coeffs[1:]) else []
        ax.plot(roots, [0] * len(roots), "o", color="#dc2626")
        ax.set_ylim(-10, 10)
        ax.set_title("real roots: " + (", ".join(f"{r:.3g}" for r in sorted(roots)) or "none in view"))
        fig.tight_layout()
