"""When SIGINT and SIGXCPU may raise in the main thread.

Python runs signal handlers between bytecodes of the main thread. Raised inside the runner's
own code (a half-sent protocol message, the bookkeeping after a cell) an interrupt would corrupt
the session, so the handlers raise only while user code runs and never inside a `critical()`
section: there the exception is kept and raised when the section ends.
"""

import signal
import threading


class CpuLimitExceeded(BaseException):
    """Raised in the cell on SIGXCPU (a BaseException so `except Exception` does not swallow it)."""


class Gate:
    """Owns the SIGINT/SIGXCPU handlers of the session process."""

    def __init__(self) -> None:
        self._main = threading.main_thread().ident
        self.in_user = False
        self.cpu_seconds = 0.0
        self._critical = 0
        self._pending = None

    def install(self) -> None:
        """Installs the handlers (main thread only)."""
        signal.signal(signal.SIGINT, self._on_sigint)
        signal.signal(signal.SIGXCPU, self._on_sigxcpu)

    def _cpu_exception(self) -> BaseException:
        return CpuLimitExceeded(f"stopped: used more than {self.cpu_seconds:g} s of CPU time")

    def _on_sigint(self, signum, frame) -> None:
        self._deliver(KeyboardInterrupt)

    def _on_sigxcpu(self, signum, frame) -> None:
        self._deliver(self._cpu_exception)

    def _deliver(self, make) -> None:
        if not self.in_user:
            return  # between cells, or in the runner's own bookkeeping: nothing to stop
        if self._critical:
            self._pending = make
            return
        raise make()

    def __enter__(self) -> None:
        if threading.get_ident() == self._main:
            self._critical += 1

    def __exit__(self, *exc) -> None:
        if threading.get_ident() != self._main:
            return
        self._critical -= 1
        if not self._critical and self._pending is not None and self.in_user and exc[0] is None:
            make, self._pending = self._pending, None
            raise make()

    def critical(self) -> "Gate":
        """`with gate.critical():` defers interrupts of the main thread until the block ends."""
        return self

    def clear(self) -> None:
        """Forgets an interrupt that arrived too late to stop anything."""
        self._pending = None
