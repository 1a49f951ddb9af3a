"""A session on its socket (docs/exec.md section 2): hello, wait for go, then execute requests
one at a time until the service closes the connection."""

import json
import os
import sys

import cellar

from . import figures
from .channel import Channel
from .engine import Engine, new_main_namespace
from .gate import Gate
from .streams import OutStream, Pump
from .warmup import warm_up

DEFAULT_CPU_SECONDS = 30.0


def _parse_execute(msg) -> tuple:
    """(msg_id, code, filename, cpu_seconds) of a well-formed execute request, else ValueError."""
    if not isinstance(msg, dict) or msg.get("op") != "execute":
        raise ValueError(f"expected an execute request, got {str(msg)[:80]}")
    msg_id, code, filename = msg.get("msg_id"), msg.get("code"), msg.get("filename")
    cpu = msg.get("cpu_seconds", DEFAULT_CPU_SECONDS)
    if not isinstance(msg_id, str) or not isinstance(code, str):
        raise ValueError("execute: msg_id and code must be strings")
    if filename is not None and (not isinstance(filename, str) or not filename):
        raise ValueError("execute: filename must be a non-empty string or null")
    if isinstance(cpu, bool) or not isinstance(cpu, (int, float)) or cpu <= 0:
        raise ValueError("execute: cpu_seconds must be a positive number")
    return msg_id, code, filename, float(cpu)


def serve(sock, session_id: str, work_dir: str = "/work") -> None:
    """Runs the session until the socket closes; never returns (the process exits)."""
    gate = Gate()
    gate.install()
    channel = Channel(sock, gate)
    pump = Pump(channel, gate)
    reader = sock.makefile("rb")
    channel.send_raw({"op": "hello", "session": session_id})
    line = reader.readline()
    if not line:
        os._exit(0)
    go = json.loads(line)
    if go.get("op") != "go":
        os._exit(2)

    pump.take_fds()
    sys.stdout = sys.__stdout__ = OutStream("stdout", 1, pump)
    sys.stderr = sys.__stderr__ = OutStream("stderr", 2, pump)
    sys.stdin = sys.__stdin__ = open(0, "r", closefd=False)
    sys.path[:] = [work_dir] + [p for p in sys.path if p not in ("", work_dir)]
    sys.argv[:] = [""]
    _reseed_numpy()
    engine = Engine(channel, pump, gate, new_main_namespace(cellar.display), work_dir)
    cellar._publisher = engine.publish
    figures._publish = engine.publish
    if go.get("warm") is True:
        warm_up()  # before the pump runs and before any cell: nothing of it reaches a reader
    pump.start()

    while True:
        line = reader.readline()
        if not line:
            break
        try:
            msg_id, code, filename, cpu = _parse_execute(json.loads(line))
        except ValueError as e:  # json.JSONDecodeError is a ValueError
            os.write(2, f"cellar session: ignored a request: {e}\n".encode())
            continue
        engine.execute(msg_id, code, filename, cpu)
        _reap_orphans()
    os._exit(0)


def _reseed_numpy() -> None:
    # Every session is forked from the same zygote: without this they would all draw the same
    # numpy random numbers (Python's `random` reseeds itself after fork; numpy does not).
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _reap_orphans() -> None:
    # As pid 1 of its namespace the session inherits every orphaned process; reap the dead ones
    # between cells. (Cells' own subprocess calls have already waited for theirs.)
    if os.getpid() != 1:
        return
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
