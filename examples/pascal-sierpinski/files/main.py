from math import comb

import matplotlib.pyplot as plt
import numpy as np


def pascal_mod(rows, m):
    """Rows 0 .. rows-1 of Pascal's triangle mod m, left-aligned in a square array."""
    table = np.zeros((rows, rows), dtype=int)
    table[:, 0] = 1
    for n in range(1, rows):
        table[n, 1 : n + 1] = (table[n - 1, : n] + table[n - 1, 1 : n + 1]) % m
    return table


ROWS = 32
odd = pascal_mod(ROWS, 2)
for n in range(ROWS):
    print(" " * (ROWS - n) + " ".join("#" if odd[n, k] else "." for k in range(n + 1)))

# Lucas's theorem for p = 2: C(n, k) is odd exactly when the bits of k are a subset of the bits of n.
N = 256
lucas_ok = all((comb(n, k) % 2 == 1) == (k & n == k) for n in range(N) for k in range(n + 1))
print(f"\nLucas's criterion agrees with C(n, k) mod 2 for all n < {N}: {lucas_ok}")
print("Odd entries in the first 2^j rows:", [int(pascal_mod(2**j, 2).sum()) for j in range(8)], "= powers of 3")

fig, axes = plt.subplots(1, 3, figsize=(15, 3.2))
for ax, m in zip(axes, (2, 3, 5)):
    table = pascal_mod(N, m)
    # Shear the left-aligned rows into an isosceles triangle: entry (n, k) covers
    # the two pixels starting at column 2k - n + N. Zero entries stay white.
    image = np.zeros((N, 2 * N + 1))
    n, k = np.tril_indices(N)
    for shift in (0, 1):
        image[n, 2 * k - n + N + shift] = table[n, k]
    ax.imshow(image, cmap="Blues", vmin=0, vmax=m - 1, interpolation="nearest")
    ax.set_title(f"$\\binom{{n}}{{k}}$ mod {m}, for $n < {N}$")
    ax.axis("off")
plt.show()
