"""stdout/stderr of a session: `stream` messages, in order, in small batches.

Two sources feed one ordered buffer:
- `sys.stdout` / `sys.stderr` are `OutStream`s (Python-level writes, e.g. print);
- fds 1 and 2 are pipes read by the pump thread, so output of C code and of subprocesses
  becomes `stream` messages too instead of vanishing (/dev/null) or landing on the socket.
  (The protocol socket is a different fd, so nothing written to 1 or 2 can corrupt it.)

The pump thread sends what is buffered every FLUSH_SECONDS, which batches a `print` loop into
few messages while output still appears as it is produced; the main thread sends at once when
the buffer is large, before any rich output (to keep order) and at the end of a cell (`sync`).
"""

import codecs
import ctypes
import io
import os
import select
import signal
import threading
import time
import _thread

FLUSH_SECONDS = 0.02
FLUSH_CHARS = 16384
_READ_BYTES = 65536
_libc = ctypes.CDLL(None)
# Resolved here, in the zygote: every session would otherwise look it up again (ctypes caches it per CDLL).
_fflush = _libc.fflush


class Pump:
    """Owns fds 0-2 of the session and the ordered output buffer."""

    def __init__(self, channel, gate) -> None:
        self._channel = channel
        self._gate = gate
        self._lock = threading.Lock()  # guards the buffer and keeps sends in order
        self._buffer: list = []  # [name, text] pairs, consecutive names merged
        self._size = 0
        self._pipes: dict = {}  # read fd -> (name, incremental decoder)
        self._wake_r, self._wake_w = os.pipe()
        self._synced = threading.Event()
        self._thread = None
        self._originals: list = []

    def take_fds(self) -> None:
        """Points fd 0 at /dev/null and fds 1 and 2 at pipes read by the pump."""
        self._originals = [os.open("/dev/null", os.O_RDONLY)]
        for name in ("stdout", "stderr"):
            r, w = os.pipe()
            os.set_blocking(r, False)
            self._pipes[r] = (name, codecs.getincrementaldecoder("utf-8")("replace"))
            self._originals.append(w)  # kept (close-on-exec) to restore fds 0-2 before each cell
        self.restore_fds()
        os.set_blocking(self._wake_r, False)

    def restore_fds(self) -> None:
        """Points fds 0, 1, 2 back at /dev/null and the pipes, whatever the last cell did to them."""
        for fd, original in enumerate(self._originals):
            os.dup2(original, fd)  # dup2 makes fd inheritable: subprocesses write here

    def start(self) -> None:
        """Starts the pump thread: a bare thread (it never needs joining, and the session ends with
        os._exit), which starts in half the time of a threading.Thread in a freshly forked child."""
        self._thread = _thread.start_new_thread(self._run, ())

    def append(self, name: str, text: str) -> None:
        """Buffers text of one stream; called by OutStream.write in the main thread."""
        if not text:
            return
        with self._gate.critical():
            with self._lock:
                was_empty = not self._buffer
                if self._buffer and self._buffer[-1][0] == name:
                    self._buffer[-1][1] += text
                else:
                    self._buffer.append([name, text])
                self._size += len(text)
                if self._size >= FLUSH_CHARS:
                    self._send_locked()
                    return
            if was_empty:
                os.write(self._wake_w, b"t")  # start the pump's flush timer

    def flush(self) -> None:
        """Sends what is buffered now (Python-level output only)."""
        with self._gate.critical():
            with self._lock:
                self._send_locked()

    def sync(self, timeout: float = 2.0) -> None:
        """Sends everything written so far, including what C code and subprocesses wrote to
        fds 1 and 2 (C stdio buffers are flushed first)."""
        _fflush(None)
        if self._thread is None:
            self.flush()
            return
        self._synced.clear()
        os.write(self._wake_w, b"s")
        self._synced.wait(timeout)
        self.flush()

    def _send_locked(self) -> None:
        for name, text in self._buffer:
            self._channel.send("stream", {"name": name, "text": text})
        self._buffer.clear()
        self._size = 0

    def _read_pipe(self, fd: int, drain: bool) -> None:
        name, decoder = self._pipes[fd]
        while True:
            try:
                chunk = os.read(fd, _READ_BYTES)
            except BlockingIOError:
                return
            if not chunk:
                del self._pipes[fd]
                return
            text = decoder.decode(chunk)
            with self._lock:
                # Text printed by Python before this chunk was written goes out first.
                if self._buffer and self._buffer[-1][0] == name:
                    self._buffer[-1][1] += text
                else:
                    self._buffer.append([name, text])
                self._size += len(text)
            if not drain:
                return

    def _run(self) -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGXCPU})
        try:
            self._serve()
        except OSError:
            # The cell closed our descriptors (EBADF): its output has nowhere to come from. A
            # traceback would end U (stderr is the message pipe); ending quietly leaves the cell
            # to the relay and the service (wall clock, interrupt) like any other running cell.
            pass

    def _serve(self) -> None:
        deadline = None  # when the oldest buffered text must be sent
        while True:
            if self._buffer and deadline is None:
                deadline = time.monotonic() + FLUSH_SECONDS
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self._wake_r, *self._pipes], [], [], timeout)
            sync = False
            for fd in ready:
                if fd == self._wake_r:
                    try:
                        sync = b"s" in os.read(self._wake_r, 4096)
                    except BlockingIOError:
                        pass
                else:
                    self._read_pipe(fd, drain=False)
            if sync:
                for fd in list(self._pipes):
                    self._read_pipe(fd, drain=True)
            due = deadline is not None and time.monotonic() >= deadline
            if sync or due or self._size >= FLUSH_CHARS:
                with self._lock:
                    self._send_locked()
                deadline = None
            if sync:
                self._synced.set()


class OutStream(io.TextIOBase):
    """sys.stdout / sys.stderr of a session: text goes to the pump's buffer."""

    def __init__(self, name: str, fd: int, pump: Pump) -> None:
        self._name = name
        self._fd = fd
        self._pump = pump
        self.buffer = _ByteStream(self)

    @property
    def name(self) -> str:
        return f"<{self._name}>"

    @property
    def encoding(self) -> str:
        return "utf-8"

    @property
    def errors(self) -> str:
        return "replace"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        # The pipe on fd 1/2: `subprocess.run(..., stdout=sys.stdout)` lands in the same stream.
        return self._fd

    def write(self, s) -> int:
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        self._pump.append(self._name, s)
        return len(s)

    def flush(self) -> None:
        self._pump.flush()


class _ByteStream(io.RawIOBase):
    """`sys.stdout.buffer`: bytes decoded as UTF-8 (a character split across writes is kept)."""

    def __init__(self, text: OutStream) -> None:
        self._text = text
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        data = bytes(b)
        self._text.write(self._decoder.decode(data))
        return len(data)

    def flush(self) -> None:
        self._text.flush()
