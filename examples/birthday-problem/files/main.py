import matplotlib.pyplot as plt
import numpy as np

DAYS = 365
n = np.arange(1, 71)

# P(all different) = (365/365)(364/365)...((365 - n + 1)/365)
exact = 1 - np.cumprod(1 - (n - 1) / DAYS)
approx = 1 - np.exp(-n * (n - 1) / (2 * DAYS))
yours = 1 - (1 - 1 / DAYS) ** (n - 1)  # someone among the other n - 1 has your birthday

rng = np.random.default_rng(seed=23)
TRIALS = 5_000
simulated = []
for size in n:
    birthdays = rng.integers(0, DAYS, size=(TRIALS, size))
    birthdays.sort(axis=1)
    simulated.append((np.diff(birthdays, axis=1) == 0).any(axis=1).mean())

first = int(n[np.argmax(exact >= 0.5)])
print(f"With {first} people the chance of a shared birthday is {exact[first - 1]:.4f}")
for size in (10, 23, 30, 50, 70):
    i = size - 1
    print(f"n = {size:>2}: exact {exact[i]:.4f}   approximation {approx[i]:.4f}   simulation {simulated[i]:.4f}")
needed = int(np.ceil(1 + np.log(0.5) / np.log(1 - 1 / DAYS)))
print(f"For a better-than-even chance that someone shares YOUR birthday you need {needed} people")

plt.figure(figsize=(8, 5))
plt.plot(n, exact, label="exact")
plt.plot(n, approx, "--", label="$1 - e^{-n(n-1)/730}$")
plt.plot(n, simulated, ".", ms=4, label=f"simulation ({TRIALS} rooms each)")
plt.plot(n, yours, label="someone shares your birthday")
plt.axhline(0.5, color="gray", lw=0.8)
plt.axvline(first, color="gray", lw=0.8, ls=":")
plt.xlabel("number of people $n$")
plt.ylabel("probability")
plt.title("The birthday problem")
plt.legend()
plt.show()
