"""`from ipywidgets.widgets import ...`: the same names as ipywidgets itself (cellar/ipywidgets.py)."""

from cellar.ipywidgets import *  # noqa: F401,F403
from cellar.ipywidgets import __all__, __getattr__  # noqa: F401
