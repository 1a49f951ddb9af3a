"""Riemann sums of f(x) = x sin x + 2 over [a, b] chosen with a range slider."""
import numpy as np
import matplotlib.pyplot as plt

from interact import *  # in a Cellar cell these names are there even without this line


def f(x):
    return x * np.sin(x) + 2


def F(x):  # an antiderivative of f
    return np.sin(x) - x * np.cos(x) + 2 * x


@interact
def riemann(interval=range_slider(0, 10, 0.5, default=(1, 7), label="[a, b]"),
            n=slider(1, 60, 1, default=8, label="rectangles n"),
            rule=selector(["left", "midpoint", "right"], default="midpoint", label="height at")):
    a, b = interval
    if a == b:
        print("The interval is a single point: choose a < b.")
        return
    edges = np.linspace(a, b, n + 1)
    width = (b - a) / n
    offset = {"left": 0.0, "midpoint": 0.5, "right": 1.0}[rule]
    samples = edges[:-1] + offset * width
    total = width * f(samples).sum()
    exact = F(b) - F(a)
    x = np.linspace(a, b, 400)
    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.bar(edges[:-1], f(samples), width=width, align="edge", color="#a7f3d0", edgecolor="#047857")
    ax.plot(x, f(x), color="black")
    ax.set_title(f"{rule} sum = {total:.5f},  exact = {exact:.5f},  error = {total - exact:+.2e}")
    fig.tight_layout()
