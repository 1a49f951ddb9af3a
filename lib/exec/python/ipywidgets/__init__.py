"""Cellar's ipywidgets: Jupyter's interact API on Cellar's live interacts. It lives in the
kernel's own directory, ahead of dist-packages on sys.path, so it is what `import ipywidgets`
finds in a session even where Debian's python3-ipywidgets is installed. The implementation is
cellar/ipywidgets.py; docs/exec.md "ipywidgets" says what is supported."""

from cellar.ipywidgets import *  # noqa: F401,F403
from cellar.ipywidgets import __all__, __getattr__, __version__  # noqa: F401

from . import widgets  # noqa: E402 — `import ipywidgets.widgets` and `ipywidgets.widgets.IntSlider`
