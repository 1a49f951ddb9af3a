"""sage.all for tests that need it in this process, and out of sys.modules again after them:
cellar/interact.py treats a loaded sage.all as a Sage session, so tests that run later in the
same process must not see it (and sage.all cannot be imported twice, so it is kept aside)."""

import sys
import unittest

_hidden_sage = None  # sage.all, while it is out of sys.modules (it cannot be imported twice)


def load_sage():
    """sage.all, loaded (or put back); raises SkipTest when Sage is not installed."""
    if _hidden_sage is not None:
        sys.modules.setdefault("sage.all", _hidden_sage)
    try:
        import sage.all
    except ImportError as e:
        raise unittest.SkipTest(f"Sage is not installed for this python: {e}")
    return sage.all


def hide_sage(had_sage: bool) -> None:
    """The interact module takes a loaded sage.all for a Sage session: tests that run later in
    this process are plain Python sessions again."""
    global _hidden_sage
    if not had_sage and "sage.all" in sys.modules:
        _hidden_sage = sys.modules.pop("sage.all")
