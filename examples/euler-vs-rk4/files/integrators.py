"""One-step methods for the system y' = f(t, y), with y a NumPy vector."""

import numpy as np


def euler_step(f, t, y, h):
    return y + h * f(t, y)


def rk4_step(f, t, y, h):
    k1 = f(t, y)
    k2 = f(t + h / 2, y + h / 2 * k1)
    k3 = f(t + h / 2, y + h / 2 * k2)
    k4 = f(t + h, y + h * k3)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def solve(step, f, y0, t_end, h):
    """Times and states from t = 0 to t_end with a fixed step h."""
    n = int(round(t_end / h))
    ts = np.linspace(0, n * h, n + 1)
    ys = np.empty((n + 1, len(y0)))
    ys[0] = y0
    for i in range(n):
        ys[i + 1] = step(f, ts[i], ys[i], h)
    return ts, ys
