"""Sage's spelling: `from interact import *` gives @interact and its controls (they are also
pre-imported in every Cellar cell). The implementation is cellar/interact.py."""

from cellar.interact import *  # noqa: F401,F403
from cellar.interact import __all__  # noqa: F401
