"""Rose curves r = cos(p/q θ), coloured with colour selectors."""
from math import gcd

import numpy as np
import matplotlib.pyplot as plt

from interact import *  # in a Cellar cell these names are there even without this line


@interact
def rose(p=slider(1, 12, 1, default=5), q=slider(1, 9, 1, default=1),
         line=color_selector("#be185d", label="curve"),
         fill=color_selector("#fbcfe8", label="fill"),
         filled=True):
    g = gcd(p, q)
    p, q = p // g, q // g
    # The curve closes after θ = qπ (p·q odd) or 2qπ.
    theta = np.linspace(0, (1 if p * q % 2 else 2) * q * np.pi, 4000)
    r = np.cos(p / q * theta)
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    if filled:
        ax.fill(r * np.cos(theta), r * np.sin(theta), color=fill)
    ax.plot(r * np.cos(theta), r * np.sin(theta), color=line, linewidth=1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"r = cos({p}θ/{q})" if q > 1 else f"r = cos({p}θ)")
    fig.tight_layout()
