import matplotlib.pyplot as plt
import numpy as np

# Student's version: many more darts, and 20 independent runs to see the spread.
N = 100_000
RUNS = 20
rng = np.random.default_rng(seed=7)

points = rng.uniform(-1, 1, size=(RUNS, N, 2))
inside = (points**2).sum(axis=2) <= 1
estimates = 4 * np.cumsum(inside, axis=1) / np.arange(1, N + 1)

final = estimates[:, -1]
print(f"{RUNS} runs of {N} darts: mean {final.mean():.5f}, spread (std) {final.std():.5f}")
print(f"predicted spread 1.64/sqrt(N) = {1.64 / np.sqrt(N):.5f}")

n = np.arange(1, N + 1)
fig, ax = plt.subplots(figsize=(8, 5))
for run in estimates:
    ax.plot(n, run, lw=0.6, alpha=0.6)
ax.axhline(np.pi, color="black", ls="--", lw=1)
ax.plot(n, np.pi + 1.64 / np.sqrt(n), color="black", lw=1)
ax.plot(n, np.pi - 1.64 / np.sqrt(n), color="black", lw=1)
ax.set_xscale("log")
ax.set_ylim(2.5, 3.8)
ax.set_xlabel("number of darts $n$")
ax.set_title(f"{RUNS} independent Monte Carlo runs")
plt.show()
