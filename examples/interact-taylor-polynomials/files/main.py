"""Taylor polynomials at 0 of a few functions, degree on a slider, function on a selector."""
from math import factorial

import numpy as np
import matplotlib.pyplot as plt

from interact import *  # in a Cellar cell these names are there even without this line

# name -> (function, k-th Taylor coefficient at 0, x range)
FUNCTIONS = {
    "sin x": (np.sin, lambda k: 0 if k % 2 == 0 else (-1) ** (k // 2) / factorial(k), (-7, 7)),
    "cos x": (np.cos, lambda k: 0 if k % 2 else (-1) ** (k // 2) / factorial(k), (-7, 7)),
    "exp x": (np.exp, lambda k: 1 / factorial(k), (-4, 3)),
    "ln(1+x)": (np.log1p, lambda k: 0 if k == 0 else (-1) ** (k + 1) / k, (-0.95, 2)),
    "1/(1-x)": (lambda x: 1 / (1 - x), lambda k: 1.0, (-2, 0.95)),
}


@interact
def taylor(function=selector(list(FUNCTIONS), label="f(x)", buttons=True),
           n=slider(0, 20, 1, default=3, label="degree n")):
    f, coefficient, (lo, hi) = FUNCTIONS[function]
    x = np.linspace(lo, hi, 600)
    polynomial = sum(coefficient(k) * x ** k for k in range(n + 1))
    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.plot(x, f(x), color="black", label=function)
    ax.plot(x, polynomial, color="#dc2626", label=f"$T_{{{n}}}$")
    top = np.nanmax(np.abs(f(x)))
    ax.set_ylim(-1.5 * top - 0.5, 1.5 * top + 0.5)
    ax.legend(loc="upper left")
    ax.set_title(f"Taylor polynomial of degree {n} of {function} at 0")
    fig.tight_layout()
