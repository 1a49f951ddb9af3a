"""The zygote (docs/exec.md section 1): imports the kernel's modules once, then forks one
isolated session per `spawn` request. It never runs user code and holds nothing secret: every
session starts as a copy of its memory."""

import gc
import importlib
import io
import json
import os
import re
import select
import signal
import sys
import time

DEFAULT_PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot")
SPAWN_TIMEOUT_SECONDS = 10.0
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def preload(modules) -> list:
    """Imports the kernel's modules (matplotlib with Cellar's backend) and warms them up, so a
    session's first plot costs what every later one costs."""
    from . import figures

    os.environ.setdefault("MPLBACKEND", figures.BACKEND)
    if os.environ["MPLBACKEND"].lower() == "agg":
        os.environ["MPLBACKEND"] = figures.BACKEND  # the service asks for Agg: ours is Agg + show()
    for name in modules:
        importlib.import_module(name)
    if "matplotlib.pyplot" in sys.modules:
        _warm_matplotlib()
    # Everything a session imports, so forks do not each import it again.
    from . import child, session  # noqa: F401
    import cellar  # noqa: F401
    return list(modules)


def _warm_matplotlib() -> None:
    # The first draw loads fonts and builds caches (~100 ms); paid once here, inherited by forks.
    import matplotlib.pyplot as plt

    from .displays import figure_png

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="x")
    ax.set_title("warm $x^2$")
    ax.legend()
    figure_png(fig)
    plt.close("all")


HUGE_PAGE = 2 << 20


def collapse_heap() -> int:
    """Backs the preloaded heap with 2 MB pages where it can (MADV_COLLAPSE, Linux 6.1+);
    returns how many it made. Every spawn copies the zygote's page tables and every session's
    exit tears its copy down; a huge page is one entry instead of 512, which measured ~25% off
    fork + exit of this ~45 MB heap. Pages a session writes are still copied 4 kB at a time
    (the kernel splits a shared huge page on the first write), so memory per session is
    unchanged. Best effort: an older kernel or THP set to "never" leaves the heap as it is."""
    from . import linux

    made = 0
    try:
        with open("/proc/self/maps") as maps:
            regions = [line.split() for line in maps]
    except OSError:
        return 0
    for fields in regions:
        start, end = (int(x, 16) for x in fields[0].split("-"))
        path = fields[5] if len(fields) > 5 else ""
        # Private writable anonymous memory: the interpreter's and the modules' heap.
        if not fields[1].startswith("rw") or fields[1][3] != "p" or path not in ("", "[heap]"):
            continue
        lo = (start + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1)
        hi = end & ~(HUGE_PAGE - 1)
        if hi <= lo:
            continue
        try:
            linux.madvise(lo, hi - lo, linux.MADV_COLLAPSE)
            made += (hi - lo) // HUGE_PAGE
        except OSError:
            pass  # EINVAL on old kernels, EAGAIN/ENOMEM when no huge page is free: keep 4 kB pages
    return made


def _parse_spawn(msg) -> dict:
    if not isinstance(msg, dict) or msg.get("op") != "spawn":
        raise ValueError(f"unknown request {str(msg)[:80]}")
    session = msg.get("session")
    if not isinstance(session, str) or not _SESSION_ID.match(session):
        raise ValueError("spawn: session must match [A-Za-z0-9_-]{1,128}")
    if msg.get("dir") != f"/sessions/{session}":
        raise ValueError(f"spawn: dir must be /sessions/{session}")
    limits = msg.get("limits")
    if not isinstance(limits, dict):
        raise ValueError("spawn: limits must be an object")
    for key in ("cpu_seconds", "file_bytes"):
        value = limits.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"spawn: limits.{key} must be a positive number")
    return msg


def _read_reports(fd: int) -> list:
    """Reads I's and G's report lines until both have closed the pipe (or the timeout)."""
    data = b""
    deadline = time.monotonic() + SPAWN_TIMEOUT_SECONDS
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError(f"no answer from the session child within {SPAWN_TIMEOUT_SECONDS:g} s")
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def spawn(request: dict) -> dict:
    """Forks I (which forks G) for one session; returns the `spawned` or `spawn_failed` reply."""
    from .child import run_intermediate

    session = request["session"]
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        run_intermediate(request, w)  # never returns
    os.close(w)
    try:
        reports = _read_reports(r)
    except (TimeoutError, ValueError) as e:
        reports = [{"error": str(e)}]
    finally:
        os.close(r)
    merged = {}
    for report in reports:
        merged.update(report)
    if "error" in merged or not merged.get("ok") or not isinstance(merged.get("child_pid"), int):
        error = merged.get("error") or "the session child ended without reporting"
        if "child_pid" in merged:
            _kill(merged["child_pid"])
        return {"op": "spawn_failed", "session": session, "error": error}
    return {"op": "spawned", "session": session, "pid": pid, "child_pid": merged["child_pid"]}


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def serve(modules, kernel: str) -> None:
    """Zygote main loop: ready, then one spawn at a time until stdin closes."""
    # Our protocol is the original stdout; fd 1 becomes stderr so a module that prints while
    # importing cannot corrupt it.
    out = io.FileIO(os.dup(1), "wb")
    os.dup2(2, 1)

    def send(obj: dict) -> None:
        out.write((json.dumps(obj) + "\n").encode())

    loaded = preload(modules)
    gc.collect()
    gc.freeze()  # keeps the preloaded objects' pages shared with the forks (no refcount COW by GC)
    collapse_heap()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the I processes
    send({"op": "ready", "pid": os.getpid(), "kernel": kernel, "preloaded": loaded})
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            request = _parse_spawn(json.loads(line))
        except ValueError as e:
            session = None
            try:
                session = json.loads(line).get("session")
            except (ValueError, AttributeError):
                pass
            send({"op": "spawn_failed", "session": session, "error": str(e)})
            continue
        send(spawn(request))
