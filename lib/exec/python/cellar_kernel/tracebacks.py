"""Readable tracebacks: only the user's frames (their files, `<cell N>`), with their lines.

Three kinds of frames reach a cell's traceback:
- the runner's own (runner.py, cellar_kernel, the `cellar` helpers): the exec of the cell, the
  signal handlers that raise KeyboardInterrupt and the CPU limit, display and the figure flush.
  They are removed wherever they are in the stack, not only at its start: an interrupt is raised
  from inside a handler, a `_repr_*_` is called from display code.
- the libraries' (the standard library, numpy, matplotlib...): a run of them becomes one line
  naming the packages, so a callback the user passed to a library still reads as one story.
- the user's: everything else, paths in the session's directory shown as the user named them.
"""

import linecache
import os
import site
import sys
import sysconfig
import traceback

from .sage_kernel import preparsed_files

_KERNEL_DIR = os.path.dirname(os.path.abspath(__file__))
# runner.py, cellar_kernel/ and cellar/ all live in this directory (/cellar in the sandbox).
_RUNNER_DIR = os.path.dirname(_KERNEL_DIR) + os.sep


def _library_dirs() -> tuple:
    dirs = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    try:
        dirs.update(site.getsitepackages())
    except AttributeError:  # site imported without its functions (python -S): none to add
        pass
    dirs.update(os.path.join(prefix, "lib", "python3", "dist-packages") for prefix in {sys.prefix, sys.base_prefix})
    return tuple(d.rstrip(os.sep) + os.sep for d in dirs if d)


_LIBRARY_DIRS = _library_dirs()
# Pseudo-files of code the user ran themselves (their cells, exec of a string).
_USER_PSEUDO_FILES = ("<cell ", "<string>", "<stdin>")
_CYTHON_SOURCES = (".pyx", ".pxd", ".pxi")


def _kind(filename: str) -> str:
    """"runner", "import" (importlib's machinery: the import statement is the user's), "library"
    or "user"."""
    if filename.startswith(_RUNNER_DIR):
        return "runner"
    if filename.startswith("<frozen importlib."):
        return "import"
    if filename.startswith("<"):
        return "user" if filename.startswith(_USER_PSEUDO_FILES) else "library"
    if filename.endswith(_CYTHON_SOURCES) and not os.path.isabs(filename):
        return "library"  # a compiled module's frame names its source relative to its package (Sage's)
    return "library" if filename.startswith(_LIBRARY_DIRS) else "user"


class _Hidden(traceback.FrameSummary):
    """Stands for a run of library frames in a stack."""

    def __init__(self, package: str) -> None:
        super().__init__("<library>", None, "", lookup_line=False, line="")
        self.packages = [package]


class _UserStack(traceback.StackSummary):
    def format_frame_summary(self, frame_summary):
        if isinstance(frame_summary, _Hidden):
            return f"  ... in {', '.join(frame_summary.packages)}\n"
        return super().format_frame_summary(frame_summary)


def _user_stack(stack, tb, work_prefix: str) -> _UserStack:
    # The stack was extracted from `tb` frame by frame (the first ones if sys.tracebacklimit
    # is set), so the frames' globals name each entry's module.
    modules = [frame.f_globals.get("__name__") or "?" for frame, _ in traceback.walk_tb(tb)]
    kept = _UserStack()
    for entry, module in zip(stack, modules):
        kind = _kind(entry.filename)
        if kind in ("runner", "import"):
            continue
        if kind == "library":
            package = str(module).split(".")[0]
            if kept and isinstance(kept[-1], _Hidden):
                if package not in kept[-1].packages:
                    kept[-1].packages.append(package)
            else:
                kept.append(_Hidden(package))
            continue
        if entry.filename in preparsed_files:
            # The line shown is the user's (linecache holds their text); the columns Python
            # knows are the preparsed code's, so no carets under it.
            entry.colno = entry.end_colno = None
        if entry.filename.startswith(work_prefix):
            entry.filename = entry.filename[len(work_prefix):]  # its line was read at capture
        kept.append(entry)
    return kept


def _trim(te, exc: BaseException, work_prefix: str, seen: set) -> None:
    """Trims the stacks of `te` (made from `exc`), of the exceptions it was raised from or while
    handling, and of a group's members."""
    if te is None or exc is None or id(te) in seen:
        return
    seen.add(id(te))
    te.stack = _user_stack(te.stack, exc.__traceback__, work_prefix)
    filename = getattr(te, "filename", None)  # set for a SyntaxError only
    if filename in preparsed_files and str(te.lineno).isdigit():
        # Say it in the user's words: their line, without a caret placed in preparsed code.
        te.text = linecache.getline(filename, int(te.lineno)) or te.text
        te.offset = te.end_offset = None
    if isinstance(filename, str) and filename.startswith(work_prefix):
        te.filename = filename[len(work_prefix):]
    _trim(te.__cause__, exc.__cause__, work_prefix, seen)
    _trim(te.__context__, exc.__context__, work_prefix, seen)
    for member, member_exc in zip(te.exceptions or (), getattr(exc, "exceptions", ())):
        _trim(member, member_exc, work_prefix, seen)


def format_error(exc: BaseException, work_dir: str = "/work", ename: str = None) -> dict:
    """The `error` content for an exception: ename, evalue, traceback lines (no newlines).

    Only the user's frames are kept (see the module's docstring). `ename`, when given, replaces
    the exception's own name, in the last line too (the CPU limit reads "LimitExceeded: ...")."""
    te = traceback.TracebackException(type(exc), exc, exc.__traceback__)
    _trim(te, exc, work_dir.rstrip(os.sep) + os.sep, set())
    chunks = list(te.format())
    if ename is not None:
        only = list(te.format_exception_only())
        if chunks[-len(only):] == only:
            chunks[-len(only):] = [f"{ename}: {exc}\n" if str(exc) else f"{ename}\n"]
    return {
        "ename": ename or type(exc).__name__,
        "evalue": str(exc),
        "traceback": "".join(chunks).rstrip("\n").split("\n"),
    }
