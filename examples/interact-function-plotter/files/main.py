"""Plot f(x) for a formula you type, with a parameter a and the x range on sliders."""
import numpy as np
import matplotlib.pyplot as plt

from interact import *  # in a Cellar cell these names are there even without this line

# The names a formula may use: NumPy's elementary functions and constants, nothing else.
ALLOWED = {name: getattr(np, name) for name in
           ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
            "exp", "log", "log10", "sqrt", "abs", "floor", "ceil", "pi", "e")}


@interact
def plotter(f=input_box("sin(a*x) * exp(-x/5)", label="f(x) =", type=str, width=40),
            a=slider(0.1, 5, 0.1, default=1.5, label="a"),
            xmax=slider(1, 30, 1, default=12, label="x up to")):
    x = np.linspace(0, xmax, 800)
    try:
        y = eval(f, {"__builtins__": {}}, {**ALLOWED, "a": a, "x": x})
    except Exception as err:  # a typo in the formula: say so instead of a traceback
        print(f"Cannot evaluate {f!r}: {err}")
        return
    y = np.broadcast_to(np.asarray(y, dtype=float), x.shape)
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.plot(x, y, color="#2563eb")
    ax.axhline(0, color="#999", linewidth=0.8)
    ax.set_xlabel("x")
    ax.set_title(f"f(x) = {f}   (a = {a:g})")
    fig.tight_layout()
