"""A throwaway warm-up for a pre-spawned session (docs/exec.md section 2, `"warm": true` on go).

A forked session shares the zygote's pages copy-on-write: the first plot of a fresh session
pays for copying every page its objects' reference counts touch, plus the lazy set-up matplotlib
and numpy do per process. A pre-spawned session waits unassigned anyway, so it pays that here,
before a reader presses Run. It leaves no trace a cell could see: its own locals (never the
user's namespace), no figure left open (pyplot numbers the next figure 1 again), no output, no
file written, and the engine's execution_count untouched (the engine is not involved)."""

import contextlib
import io
import sys
import warnings

from . import sage_kernel
from .displays import figure_png


def warm_up() -> None:
    """Draws a small figure to an in-memory PNG and touches numpy; never raises."""
    sink = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            warnings.simplefilter("ignore")
            _touch_numpy()
            _draw_a_figure()
            if sage_kernel.active():
                sage_kernel.warm_session()
    except Exception:  # noqa: BLE001 — a warm-up that fails only means a slower first cell
        pass
    finally:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")


def _touch_numpy() -> None:
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return
    x = numpy.linspace(0.0, 1.0, 64)
    (x * x).sum()
    repr(x[:3])


def _draw_a_figure() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    # The same calls a reader's first plot makes: pyplot's figure manager, an Axes, a line,
    # ticks and their labels, then the PNG the engine would send.
    fig = pyplot.figure(figsize=(2, 1.5), dpi=50)
    pyplot.plot([1, 2, 3], [1, 4, 9])
    figure_png(fig)
    repr(fig)
