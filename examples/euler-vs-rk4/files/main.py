import matplotlib.pyplot as plt
import numpy as np

from integrators import euler_step, rk4_step, solve


def oscillator(t, y):
    x, v = y
    return np.array([v, -x])


y0 = np.array([1.0, 0.0])
T = 4 * np.pi  # two full periods; the exact solution is (cos t, -sin t)

fig, (phase, order) = plt.subplots(1, 2, figsize=(12, 5))
for name, step in (("Euler", euler_step), ("RK4", rk4_step)):
    ts, ys = solve(step, oscillator, y0, T, h=0.1)
    phase.plot(ys[:, 0], ys[:, 1], label=f"{name}, h = 0.1")
theta = np.linspace(0, 2 * np.pi, 200)
phase.plot(np.cos(theta), np.sin(theta), "k--", lw=1, label="exact")
phase.set_aspect("equal")
phase.set_xlabel("$x$")
phase.set_ylabel("$v = x'$")
phase.set_title("Phase portrait over two periods")
phase.legend(loc="upper right")

steps = 0.05 / 2.0 ** np.arange(5)
print(f"{'h':>8} {'Euler error':>14} {'RK4 error':>14}")
errors = {"Euler": [], "RK4": []}
for h in steps:
    row = []
    for name, step in (("Euler", euler_step), ("RK4", rk4_step)):
        ts, ys = solve(step, oscillator, y0, T, h)
        error = np.linalg.norm(ys[-1] - np.array([np.cos(ts[-1]), -np.sin(ts[-1])]))
        errors[name].append(error)
        row.append(error)
    print(f"{h:>8} {row[0]:>14.3e} {row[1]:>14.3e}")

for name, errs in errors.items():
    slope = np.polyfit(np.log(steps), np.log(errs), 1)[0]
    print(f"{name}: the error behaves like h^{slope:.2f}")
    order.loglog(steps, errs, "o-", label=f"{name} (slope {slope:.2f})")
order.set_xlabel("step size $h$")
order.set_ylabel("error at $t = 4\\pi$")
order.set_title("Global error against step size")
order.grid(True, which="both", alpha=0.3)
order.legend()
plt.show()
