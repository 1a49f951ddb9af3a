"""matplotlib in a session: open figures become display_data at the end of each cell (and of
each interact function run, for the figures it made), and plt.show() emits them at once
(through the `module://cellar_kernel.mpl_backend` backend)."""

import sys

from .displays import figure_png

BACKEND = "module://cellar_kernel.mpl_backend"

# Set by the session: sends one display_data bundle.
_publish = None
# The figures that were open when the running interact function started (set by the engine):
# plt.show() inside it shows only the ones it made, the cell's own stay for the cell's end.
keep_on_show = frozenset()


def open_figures() -> frozenset:
    """The figures open now (their managers), to show later only the ones made after."""
    if sys.modules.get("matplotlib.pyplot") is None:
        return frozenset()
    from matplotlib._pylab_helpers import Gcf

    return frozenset(Gcf.get_all_fig_managers())


def flush_figures(keep: frozenset = frozenset()) -> None:
    """Sends every open figure but those in `keep` (from `open_figures`) as image/png and closes
    it. Does nothing if pyplot was never imported (so cells that do not plot pay nothing)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None or _publish is None:
        return
    from matplotlib._pylab_helpers import Gcf

    managers = [m for m in Gcf.get_all_fig_managers() if m not in keep]
    try:
        for manager in managers:
            fig = manager.canvas.figure
            _publish({"image/png": figure_png(fig), "text/plain": repr(fig)}, {})
    finally:
        if keep:
            for manager in managers:
                pyplot.close(manager.canvas.figure)
        else:
            pyplot.close("all")
