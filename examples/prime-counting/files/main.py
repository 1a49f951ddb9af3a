import matplotlib.pyplot as plt
import numpy as np

from sieve import is_prime_table, primes_up_to

N = 1_000_000

print("The first primes:", *primes_up_to(60))

x = np.arange(2, N + 1)
pi = np.cumsum(is_prime_table(N))[2:]  # pi[k] counts the primes <= k + 2
gauss = x / np.log(x)
# Li(x) = integral from 2 to x of dt / ln t, by the trapezoidal rule on the integer grid.
integrand = 1 / np.log(x)
li = np.concatenate(([0], np.cumsum((integrand[1:] + integrand[:-1]) / 2)))

print(f"{'x':>9} {'pi(x)':>8} {'x/ln x':>10} {'Li(x)':>10}")
for k in (10, 100, 1_000, 10_000, 100_000, 1_000_000):
    i = k - 2
    print(f"{k:>9} {pi[i]:>8} {gauss[i]:>10.1f} {li[i]:>10.1f}")

# About 2000 sample points, evenly spaced on a log scale, are plenty for the plot.
sample = np.unique(np.geomspace(8, N - 2, 2000).astype(int))
x, pi, gauss, li = x[sample], pi[sample], gauss[sample], li[sample]

fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
top.plot(x, pi, label="$\\pi(x)$")
top.plot(x, gauss, label="$x / \\ln x$")
top.plot(x, li, label="$\\mathrm{Li}(x)$", ls="--")
top.set_yscale("log")
top.set_ylabel("number of primes $\\leq x$")
top.legend()
bottom.plot(x, pi / gauss, label="$\\pi(x) \\,/\\, (x / \\ln x)$")
bottom.plot(x, pi / li, label="$\\pi(x) \\,/\\, \\mathrm{Li}(x)$")
bottom.axhline(1, color="black", lw=0.8)
bottom.set_xscale("log")
bottom.set_xlabel("$x$")
bottom.legend()
fig.suptitle("The prime number theorem: $\\pi(x) \\sim x / \\ln x$")
plt.show()
