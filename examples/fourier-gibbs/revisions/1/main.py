import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
square = np.sign(np.sin(x))


def partial_sum(x, terms):
    """Sum of the first `terms` non-zero terms of the square wave's Fourier series."""
    k = np.arange(1, 2 * terms, 2)
    return 4 / np.pi * (np.sin(np.outer(x, k)) / k).sum(axis=1)


plt.figure(figsize=(8, 4.5))
plt.plot(x, square, color="black", lw=1, label="square wave")
for terms in (1, 3, 10):
    plt.plot(x, partial_sum(x, terms), label=f"{terms} terms")
plt.legend()
plt.title("Partial sums of the Fourier series of a square wave")
plt.show()
