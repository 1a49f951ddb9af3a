import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 4001)
square = np.sign(np.sin(x))


def partial_sum(x, terms):
    """Sum of the first `terms` non-zero terms of the square wave's Fourier series."""
    k = np.arange(1, 2 * terms, 2)
    return 4 / np.pi * (np.sin(np.outer(x, k)) / k).sum(axis=1)


# The peaks tend to (2/pi) Si(pi), where Si(pi) = integral_0^pi sin(t)/t dt (midpoint rule);
# gibbs_limit is the overshoot as a fraction of the jump, which is 2.
t = (np.arange(100_000) + 0.5) * np.pi / 100_000
gibbs_limit = (2 / np.pi * (np.sin(t) / t).sum() * np.pi / 100_000 - 1) / 2

print("terms   max of partial sum   overshoot / jump")
for terms in (5, 10, 50, 200):
    peak = partial_sum(x, terms).max()
    print(f"{terms:>5}   {peak:>18.5f}   {(peak - 1) / 2:>16.5f}")
print(f"limit   {1 + 2 * gibbs_limit:>18.5f}   {gibbs_limit:>16.5f}")

fig, (whole, zoom) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [2, 1]})
for ax in (whole, zoom):
    ax.plot(x, square, color="black", lw=1, label="square wave")
    for terms in (3, 10, 50):
        ax.plot(x, partial_sum(x, terms), lw=1, label=f"{terms} terms")
    ax.axhline(1 + 2 * gibbs_limit, color="gray", ls=":", lw=1)
whole.set_title("Partial sums of the Fourier series of a square wave")
whole.legend(loc="lower right")
zoom.set_xlim(0, 0.6)
zoom.set_ylim(0.7, 1.25)
zoom.set_title("Near the jump: the overshoot does not shrink")
plt.show()
