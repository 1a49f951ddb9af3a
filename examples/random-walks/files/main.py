import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(seed=1)
WALKS, STEPS = 2000, 1000

steps = rng.choice([-1, 1], size=(WALKS, STEPS))
positions = np.cumsum(steps, axis=1)
n = np.arange(1, STEPS + 1)
rms = np.sqrt((positions**2).mean(axis=0))

returned = (positions == 0).any(axis=1).mean()
print(f"Mean final position of {WALKS} walks: {positions[:, -1].mean():+.2f}")
print(f"Root-mean-square final distance: {rms[-1]:.2f}  (sqrt({STEPS}) = {np.sqrt(STEPS):.2f})")
print(f"Walks that came back to 0 within {STEPS} steps: {returned:.1%}")

fig, (walks, spread, plane) = plt.subplots(1, 3, figsize=(15, 4.5))
for path in positions[:30]:
    walks.plot(n, path, lw=0.6)
walks.plot(n, 2 * np.sqrt(n), "k--", lw=1)
walks.plot(n, -2 * np.sqrt(n), "k--", lw=1, label="$\\pm 2\\sqrt{n}$")
walks.set_xlabel("step $n$")
walks.set_title("30 one-dimensional random walks")
walks.legend(loc="upper left")

spread.plot(n, rms, label="root-mean-square distance")
spread.plot(n, np.sqrt(n), "k--", lw=1, label="$\\sqrt{n}$")
spread.set_xlabel("step $n$")
spread.set_title(f"Spread of {WALKS} walks")
spread.legend()

moves = np.array([(1, 0), (-1, 0), (0, 1), (0, -1)])
path2d = np.vstack([(0, 0), np.cumsum(moves[rng.integers(0, 4, size=5000)], axis=0)])
plane.plot(*path2d.T, lw=0.5)
plane.plot(0, 0, "go", label="start")
plane.plot(*path2d[-1], "ro", label="end")
plane.set_aspect("equal")
plane.set_title("A walk of 5000 steps on $\\mathbb{Z}^2$")
plane.legend()
plt.show()
