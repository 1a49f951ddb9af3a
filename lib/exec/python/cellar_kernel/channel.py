"""U's message writer: JSON lines on its message pipe to the relay R (docs/exec.md section 2).

The pipe is only U's way to be heard, not a trusted channel: a cell can write on it too, and the
relay takes from it only the messages a cell may produce. A cell that closes the pipe's fd only
silences itself (the next send ends U, and R reports the end)."""

import json
import os
import threading

# Private encoder: a cell that monkeypatches json.dumps breaks only its own json.dumps.
_encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), default=repr).encode


class Channel:
    """Sends whole messages atomically: one lock for every thread, interrupts deferred."""

    def __init__(self, fd: int, gate) -> None:
        self._fd = fd
        self._gate = gate
        self._lock = threading.Lock()
        self.parent = None
        # Ids of the interacts whose functions are running, innermost last: every message sent
        # meanwhile (by any thread) carries the innermost one as metadata.interact.
        self.tags: list = []

    def send_many(self, messages: list) -> None:
        """Sends several (msg_type, content[, interact id]) messages of the current cell in one
        write: the end of a cell (error, execute_reply, idle) reaches the service as one read."""
        parent = self.parent
        self._send_bytes("".join(_line(t, c, parent, tag[0] if tag else None)
                                 for t, c, *tag in messages).encode("ascii"))

    def _send_bytes(self, data: bytes) -> None:
        with self._gate.critical():
            with self._lock:
                view = memoryview(data)
                try:
                    while view:
                        view = view[os.write(self._fd, view):]
                except OSError:
                    # S is gone (or the cell closed our fd): nothing left to serve.
                    os._exit(0)

    def send(self, msg_type: str, content: dict, parent=None) -> None:
        """Sends a Jupyter-shaped message whose parent is the current cell's msg_id, tagged with
        the running interact if any."""
        last = self.tags[-1:]  # one step: the main thread may pop while another thread sends
        tag = last[0] if last else None
        line = _line(msg_type, content, parent if parent is not None else self.parent, tag)
        self._send_bytes(line.encode("ascii"))


def _line(msg_type: str, content: dict, parent, tag) -> str:
    msg = {"msg_type": msg_type, "parent": parent, "content": content}
    if tag is not None:
        msg["metadata"] = {"interact": tag}
    return _encode(msg) + "\n"
