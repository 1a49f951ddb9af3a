import matplotlib.pyplot as plt
import numpy as np

R_MIN, R_MAX = 2.5, 4.0
TRANSIENT, KEEP = 1000, 300

r = np.linspace(R_MIN, R_MAX, 3000)
x = np.full_like(r, 0.5)
for _ in range(TRANSIENT):  # let transients die out
    x = r * x * (1 - x)

fig, (diagram, lyapunov) = plt.subplots(2, 1, figsize=(10, 8), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
orbits = np.empty((KEEP, r.size))
for n in range(KEEP):
    x = r * x * (1 - x)
    orbits[n] = x
# The Lyapunov exponent is the average of ln|f'(x_n)| along the orbit.
exponent = np.log(np.abs(r * (1 - 2 * orbits))).mean(axis=0)
diagram.plot(np.broadcast_to(r, orbits.shape).ravel(), orbits.ravel(), ",k", alpha=0.25)

# The first period doublings, read off where the exponent touches 0 from below.
touches = r[1:-1][(exponent[1:-1] > exponent[:-2]) & (exponent[1:-1] > exponent[2:]) & (exponent[1:-1] > -0.05)]
print("Period doublings near r =", ", ".join(f"{t:.3f}" for t in touches[touches < 3.56][:4]))
chaotic = r[exponent > 0.01]
print(f"Chaos (lambda > 0) first appears near r = {chaotic.min():.3f}")
print(f"Fraction of [3.57, 4] with lambda > 0: {np.mean(exponent[r >= 3.57] > 0):.0%}")

diagram.set_ylabel("long-run values of $x_n$")
diagram.set_title("Bifurcation diagram of $x_{n+1} = r x_n (1 - x_n)$")
lyapunov.plot(r, exponent, lw=0.7)
lyapunov.axhline(0, color="black", lw=0.8)
lyapunov.set_ylim(-2, 1)
lyapunov.set_xlabel("$r$")
lyapunov.set_ylabel("Lyapunov exponent $\\lambda$")
plt.show()
