from math import gcd

import matplotlib.pyplot as plt
import numpy as np

DELTA = np.pi / 2
RATIOS = range(1, 6)

t = np.linspace(0, 2 * np.pi, 2000)
fig, axes = plt.subplots(len(RATIOS) - 1, len(RATIOS), figsize=(12, 10))
for row, b in zip(axes, range(1, len(RATIOS))):
    for ax, a in zip(row, RATIOS):
        ax.plot(np.sin(a * t + DELTA), np.sin(b * t), lw=1.2, color="tab:purple" if gcd(a, b) == 1 else "tab:gray")
        ax.set_title(f"a : b = {a} : {b}", fontsize=10)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])

print("Curves in gray repeat a simpler ratio: a : b and ka : kb trace the same figure.")
fig.suptitle(f"Lissajous curves $x = \\sin(at + \\delta)$, $y = \\sin(bt)$, with $\\delta = {DELTA / np.pi:g}\\pi$")
plt.show()
