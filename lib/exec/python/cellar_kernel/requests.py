"""Service requests from a running cell (docs/exec.md, "Service requests"): U asks the service
something (`scatter.create`, `scatter.poll`, ...) and waits for its answer.

U sends `{"msg_type": "service_request", "content": {"id": n, "op": "...", ...}}` on its message
pipe; the relay passes it on only while a cell runs, and writes the service's
`{"op": "service_reply", "id": n, ...}` back on U's request pipe. During a cell only replies
arrive on that pipe (the service sends one request at a time and the next only after the
cell's end, which the relay decides after U's execute_reply), so a cell may read it; between
cells the session's loop reads it and skips a late reply. Only the main thread asks (the same
pipe is the loop's between cells), one request at a time; a reply whose id is not the one
waited for (an earlier request given up by an interrupt) is dropped.

Waiting is interruptible (select in user code); the read itself is in a critical section, so a
reply is never half consumed."""

import json
import os
import select
import threading
import time

from .frames import encode

# A request's line at most (the relay and the service check it too).
MAX_REQUEST_BYTES = 4 << 20


class ServiceError(Exception):
    """The service refused a request (unknown op, a limit, bad input): its message says why,
    `code` names the refusal ("UNKNOWN_OP", "TOO_MANY_REQUESTS", ...)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class LineReader:
    """U's request pipe, read by lines with the blocking read(2) the relay watches for (between
    cells) or with a timeout (a cell waiting for a reply)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._buffer = b""

    def _take_line(self):
        nl = self._buffer.find(b"\n")
        if nl < 0:
            return None
        line, self._buffer = self._buffer[:nl + 1], self._buffer[nl + 1:]
        return line

    def readline(self) -> bytes:
        """The next line, blocking in read(2); b"" at the end of the pipe."""
        while True:
            line = self._take_line()
            if line is not None:
                return line
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                rest, self._buffer = self._buffer, b""
                return rest
            self._buffer += chunk

    def readline_within(self, seconds: float, gate=None):
        """The next line if one arrives within `seconds`, else None; b"" at the end of the pipe.
        The wait may be interrupted (KeyboardInterrupt); a read is never cut in half."""
        deadline = time.monotonic() + seconds
        while True:
            line = self._take_line()
            if line is not None:
                return line
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            if gate is not None:
                with gate.critical():
                    chunk = os.read(self.fd, 1 << 16)
                    self._buffer += chunk
            else:
                chunk = os.read(self.fd, 1 << 16)
                self._buffer += chunk
            if not chunk:
                return b""


class Requests:
    """U's side of the service request channel."""

    def __init__(self, channel, reader: LineReader, gate) -> None:
        self._channel = channel
        self._reader = reader
        self._gate = gate
        self._next_id = 0
        self._lock = threading.Lock()

    def request(self, op: str, content: dict, timeout: float = 60.0, retry: bool = False) -> dict:
        """Sends request `op` and returns the service's reply (without op and id). ServiceError
        when the service refused it; TimeoutError without an answer within `timeout` seconds.
        With `retry`, a refusal for the session's request rate is retried after a pause
        (doubling from 50 ms to 1 s) until `timeout`."""
        deadline = time.monotonic() + timeout
        pause = 0.05
        while True:
            try:
                return self._request(op, content, max(0.001, deadline - time.monotonic()))
            except ServiceError as e:
                if not retry or e.code != "TOO_MANY_REQUESTS" or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(1.0, pause * 2)

    def _request(self, op: str, content: dict, timeout: float) -> dict:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("service requests (scatter, gather, shared) are made from the cell's main thread")
        if not self._gate.in_user:
            raise RuntimeError("service requests are made while a cell runs")
        with self._lock:
            self._next_id += 1
            rid = self._next_id
            body = {**content, "id": rid, "op": op}
            line = encode({"msg_type": "service_request", "content": body})
            if len(line) + 1 > MAX_REQUEST_BYTES:
                raise ServiceError(f"{op}: the request is {len(line)} bytes, more than {MAX_REQUEST_BYTES} bytes")
            self._channel.send("service_request", body)
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{op}: the service did not answer within {timeout:g} s")
                line = self._reader.readline_within(left, self._gate)
                if line is None:
                    continue
                if line == b"":
                    os._exit(0)  # the relay is gone: the session is over
                try:
                    reply = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(reply, dict) or reply.get("op") != "service_reply" or reply.get("id") != rid:
                    continue  # a late answer to a request given up earlier
                error = reply.get("error")
                if error is not None:
                    if isinstance(error, dict):
                        raise ServiceError(str(error.get("message")), str(error.get("code") or ""))
                    raise ServiceError(str(error))
                return {k: v for k, v in reply.items() if k not in ("op", "id")}


# Set by the session (session.serve); None outside a session.
client = None


def request(op: str, content: dict, timeout: float = 60.0, retry: bool = False) -> dict:
    """Sends a request from the running cell (see Requests.request)."""
    if client is None:
        raise RuntimeError("service requests are available in a Cellar session only")
    return client.request(op, content, timeout, retry)
