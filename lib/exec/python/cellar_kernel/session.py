"""U, the session's user process (docs/exec.md section 2): runs execute and interact requests
one at a time, read from its request pipe, and writes its messages to its message pipe; the
relay R (supervisor.py) owns the session socket, frames what U says and decides when a cell has
ended."""

import json
import os
import sys

import cellar
import cellar.interact

from . import figures, requests, sage_kernel
from .channel import Channel
from .engine import Engine, new_main_namespace
from .frames import parse_request
from .gate import Gate
from .streams import OutStream, Pump
from .warmup import warm_up

def preimported() -> dict:
    """The names every cell has without importing them: display, scatter/gather, shared and the interact API."""
    api = cellar.interact
    return {"display": cellar.display, "scatter": cellar.scatter, "gather": cellar.gather, "shared": cellar.shared,
            **{name: getattr(api, name) for name in api.__all__}}


def _main_namespace() -> dict:
    """The cells' globals: in the sage kernel the `__main__` the zygote built (Sage's globals; a
    copy per session would write the reference count of each of its ~1,900 values, thousands of
    copy-on-write faults), else a fresh one with the pre-imported names."""
    if sage_kernel.active():
        return sage_kernel.main_namespace()
    return new_main_namespace(preimported())


def serve(req_fd: int, msg_fd: int, work_dir: str = "/work") -> None:
    """Waits for the service's go (passed on by the relay), then runs the session's cells until
    the request pipe closes; never returns (the process exits). Between requests the main thread
    is blocked reading `req_fd`: that is how the relay knows a cell has ended, so nothing else
    may read it."""
    # Read by lines with plain read(2) (the relay's end-of-cell check looks for it); a cell
    # waiting for a service reply reads the same pipe (requests.py).
    reader = requests.LineReader(req_fd)
    # Before go nothing is allocated for the user: the service puts this process in the
    # session's cgroups first. {"op": "go", "warm": true}: a pre-spawned session warms up.
    try:
        go = json.loads(reader.readline() or b"null")
    except ValueError:
        go = None
    if not isinstance(go, dict) or go.get("op") != "go":
        os._exit(0)
    warm = go.get("warm") is True
    gate = Gate()
    gate.install()
    if sage_kernel.active():
        sage_kernel.start_session()
    channel = Channel(msg_fd, gate)
    pump = Pump(channel, gate)

    pump.take_fds()
    sys.stdout = sys.__stdout__ = OutStream("stdout", 1, pump)
    sys.stderr = sys.__stderr__ = OutStream("stderr", 2, pump)
    sys.stdin = sys.__stdin__ = open(0, "r", closefd=False)
    sys.path[:] = [work_dir] + [p for p in sys.path if p not in ("", work_dir)]
    sys.argv[:] = [""]
    _reseed_numpy()
    engine = Engine(channel, pump, gate, _main_namespace(), work_dir)
    cellar._publisher = engine.publish
    cellar._interact_runner = engine.run_interact
    requests.client = requests.Requests(channel, reader, gate)
    figures._publish = engine.publish
    sage_kernel._publish = engine.publish
    if warm:
        warm_up()  # before the pump runs and before any cell: nothing of it reaches a reader
    pump.start()

    while True:
        line = reader.readline()
        if not line:
            break
        try:
            msg = json.loads(line)
            if isinstance(msg, dict) and msg.get("op") == "service_reply":
                continue  # a reply that came after its cell ended: nobody waits for it
            op, *args = parse_request(msg)
        except ValueError as e:  # json.JSONDecodeError is a ValueError
            os.write(2, f"cellar session: ignored a request: {e}\n".encode())
            continue
        if op == "execute":
            engine.execute(*args)
        elif op in ("complete", "inspect"):
            engine.query(op, *args[:-1])
        else:
            engine.update_interact(*args)
    os._exit(0)


def _reseed_numpy() -> None:
    # Every session is forked from the same zygote: without this they would all draw the same
    # numpy random numbers (Python's `random` reseeds itself after fork; numpy does not).
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        # A full-entropy MT19937 state straight from the kernel: half the time of seed().
        numpy.random.set_state(("MT19937", numpy.frombuffer(os.urandom(2496), dtype=numpy.uint32), 0))
