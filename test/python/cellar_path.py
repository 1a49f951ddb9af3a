"""Puts the kernel's code, lib/exec/python (bound read-only at /cellar in every sandbox), first on
sys.path: the tests live apart from it (test/python), so that no test code or fixture is visible
to the code users run. Every test module imports this before any module of the kernel."""

import os
import sys

KERNEL_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib", "exec", "python"))

if KERNEL_DIR not in sys.path:
    sys.path.insert(0, KERNEL_DIR)
