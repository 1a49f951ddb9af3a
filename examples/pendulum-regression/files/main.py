import csv

import matplotlib.pyplot as plt
import numpy as np

with open("data/pendulum.csv", newline="") as f:
    rows = list(csv.DictReader(f))

length = np.array([float(row["length_m"]) for row in rows])
period = np.array([float(row["time_for_10_swings_s"]) for row in rows]) / 10
group = np.array([row["group"] for row in rows])
print(f"Read {len(rows)} measurements from data/pendulum.csv")

# Least squares for T^2 = a L + b, with standard errors from the residual variance.
X = np.column_stack([length, np.ones_like(length)])
y = period**2
(a, b), residual_ss, _, _ = np.linalg.lstsq(X, y, rcond=None)
dof = len(y) - 2
sigma2 = residual_ss[0] / dof
se_a, se_b = np.sqrt(np.diag(sigma2 * np.linalg.inv(X.T @ X)))
r2 = 1 - residual_ss[0] / ((y - y.mean()) ** 2).sum()

g = 4 * np.pi**2 / a
se_g = g * se_a / a
print(f"T^2 = {a:.3f} L + {b:.3f}   (R^2 = {r2:.4f})")
print(f"slope a     = {a:.3f} ± {se_a:.3f} s^2/m")
print(f"intercept b = {b:.3f} ± {se_b:.3f} s^2")
print(f"g = 4 pi^2 / a = {g:.2f} ± {se_g:.2f} m/s^2")

fig, (fit, resid) = plt.subplots(2, 1, figsize=(7, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
for name, marker in zip(sorted(set(group)), "osD^v"):
    mine = group == name
    fit.plot(length[mine], y[mine], marker, label=f"group {name}")
    resid.plot(length[mine], (y - (a * length + b))[mine], marker)
line = np.linspace(0, length.max() * 1.05, 2)
fit.plot(line, a * line + b, "k-", lw=1, label=f"fit: $g = {g:.2f} \\pm {se_g:.2f}$ m/s²")
fit.set_ylabel("$T^2$ (s²)")
fit.set_title("Period squared against length")
fit.legend()
resid.axhline(0, color="black", lw=1)
resid.set_xlabel("length $L$ (m)")
resid.set_ylabel("residual (s²)")
plt.show()
