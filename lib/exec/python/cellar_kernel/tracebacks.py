"""Readable tracebacks: the runner's own frames removed, the user's kept with their lines."""

import os
import traceback

_KERNEL_DIR = os.path.dirname(os.path.abspath(__file__))
_RUNNER = os.path.join(os.path.dirname(_KERNEL_DIR), "runner.py")


def _is_ours(filename: str) -> bool:
    return filename == _RUNNER or filename.startswith(_KERNEL_DIR + os.sep)


def format_error(exc: BaseException, work_dir: str = "/work", ename: str = None) -> dict:
    """The `error` content for an exception: ename, evalue, traceback lines (no newlines).
    Leading frames of the runner (the exec call) are dropped; paths in the session's directory
    are shown relative, as the user named them."""
    tb = exc.__traceback__
    while tb is not None and _is_ours(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    text = text.replace(f'File "{work_dir.rstrip("/")}/', 'File "')
    return {
        "ename": ename or type(exc).__name__,
        "evalue": str(exc),
        "traceback": text.rstrip("\n").split("\n"),
    }
