import matplotlib.pyplot as plt
import numpy as np

r = np.linspace(2.5, 4.0, 2000)
x = np.full_like(r, 0.5)
for _ in range(500):  # let transients die out
    x = r * x * (1 - x)

fig, ax = plt.subplots(figsize=(10, 6))
for _ in range(200):
    x = r * x * (1 - x)
    ax.plot(r, x, ",k", alpha=0.25)
ax.set_xlabel("$r$")
ax.set_ylabel("long-run values of $x_n$")
ax.set_title("Bifurcation diagram of the logistic map")
plt.show()
