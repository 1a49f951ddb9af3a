import matplotlib.pyplot as plt
import numpy as np

N = 5000
rng = np.random.default_rng(seed=2024)

points = rng.uniform(-1, 1, size=(N, 2))
inside = (points**2).sum(axis=1) <= 1
estimates = 4 * np.cumsum(inside) / np.arange(1, N + 1)

for n in (10, 100, 1000, N):
    print(f"n = {n:>5}: pi is about {estimates[n - 1]:.5f}  (error {abs(estimates[n - 1] - np.pi):.5f})")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5))
left.scatter(*points[inside].T, s=2, color="tab:blue")
left.scatter(*points[~inside].T, s=2, color="tab:orange")
left.set_aspect("equal")
left.set_title(f"{inside.sum()} of {N} darts inside the unit circle")

n = np.arange(1, N + 1)
right.plot(n, estimates, lw=1, label="estimate")
right.axhline(np.pi, color="black", ls="--", lw=1, label="$\\pi$")
right.fill_between(n, np.pi - 1.64 / np.sqrt(n), np.pi + 1.64 / np.sqrt(n), alpha=0.2, label="$\\pi \\pm 1.64/\\sqrt{n}$")
right.set_xscale("log")
right.set_ylim(2.5, 3.8)
right.set_xlabel("number of darts $n$")
right.legend()
plt.show()
