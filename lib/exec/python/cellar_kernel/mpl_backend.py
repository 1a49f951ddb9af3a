"""The matplotlib backend of Cellar sessions: Agg rendering, and `show()` sends the figures."""

from matplotlib.backend_bases import _Backend
from matplotlib.backends.backend_agg import _BackendAgg


@_Backend.export
class _BackendCellar(_BackendAgg):
    @staticmethod
    def show(*args, **kwargs):
        from . import figures

        figures.flush_figures(figures.keep_on_show)
