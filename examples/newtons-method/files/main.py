from math import cos, sin

import matplotlib.pyplot as plt

from newton import correct_digits, newton

problems = [
    # (name, label for the plot, f, f', starting point)
    ("x^2 - 2", r"$x^2 - 2$", lambda x: x * x - 2, lambda x: 2 * x, 1.0),
    ("cos(x) - x", r"$\cos x - x$", lambda x: cos(x) - x, lambda x: -sin(x) - 1, 1.0),
    ("x^3 - 2x + 2", r"$x^3 - 2x + 2$", lambda x: x**3 - 2 * x + 2, lambda x: 3 * x**2 - 2, 0.0),
]

fig, ax = plt.subplots(figsize=(7, 4.5))
for name, label, f, df, x0 in problems:
    xs = newton(f, df, x0, max_steps=8)
    root = xs[-1]
    print(f"f(x) = {name},  x0 = {x0}")
    if abs(f(root)) > 1e-12:
        print("  no convergence, the iterates cycle:", ", ".join(f"{x:g}" for x in xs))
        print()
        continue
    for n, x in enumerate(xs):
        print(f"  x{n} = {x:.16f}   correct digits: {correct_digits(x, root)}")
    print()
    errors = [abs(x - root) for x in xs if x != root]
    ax.semilogy(range(len(errors)), errors, "o-", label=label)

ax.set_xlabel("step $n$")
ax.set_ylabel("$|x_n - x^*|$")
ax.set_title("Newton's method: the error is squared at each step")
ax.grid(True, which="both", alpha=0.3)
ax.legend()
plt.show()
