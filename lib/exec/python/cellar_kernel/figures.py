"""matplotlib in a session: open figures become display_data at the end of each cell, and
plt.show() emits them at once (through the `module://cellar_kernel.mpl_backend` backend)."""

import sys

from .displays import figure_png

BACKEND = "module://cellar_kernel.mpl_backend"

# Set by the session: sends one display_data bundle.
_publish = None


def flush_figures() -> None:
    """Sends every open figure as image/png and closes it. Does nothing if pyplot was never
    imported (so cells that do not plot pay nothing)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None or _publish is None:
        return
    from matplotlib._pylab_helpers import Gcf

    managers = Gcf.get_all_fig_managers()
    try:
        for manager in managers:
            fig = manager.canvas.figure
            _publish({"image/png": figure_png(fig), "text/plain": repr(fig)}, {})
    finally:
        pyplot.close("all")
