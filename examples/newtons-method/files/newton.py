"""Newton's method for a real function of one variable."""

from math import log10


def newton(f, df, x0, tol=1e-14, max_steps=50):
    """Return the list of iterates x0, x1, ... of Newton's method.

    Stops when two iterates differ by less than `tol`, when the derivative
    vanishes, or after `max_steps` steps.
    """
    xs = [x0]
    x = x0
    for _ in range(max_steps):
        slope = df(x)
        if slope == 0:
            break
        x_next = x - f(x) / slope
        xs.append(x_next)
        if abs(x_next - x) < tol:
            break
        x = x_next
    return xs


def correct_digits(x, root):
    """Number of correct decimal digits of x as an approximation of root."""
    error = abs(x - root)
    return 16 if error == 0 else max(0, int(-log10(error)))
