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
import shutil
import signal
import sys
import tempfile
import time

# At import, not in spawn(): a function-level `from . import` runs importlib's Python code in
# the zygote on every spawn, pages written again after each clone. (None of these imports
# numpy: the BLAS thread setting in preload() still comes first.)
from . import frames, linux, sandbox, sage_kernel, supervisor
from .child import run_session_child

DEFAULT_PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot")
SPAWN_TIMEOUT_SECONDS = 10.0
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def preload(modules) -> list:
    """Imports the kernel's modules (matplotlib with Cellar's backend) and warms them up, so a
    session's first plot costs what every later one costs."""
    from . import figures

    # Single-threaded BLAS: OpenBLAS starts a thread pool at import, and a thread in the zygote
    # would be copied into no session (clone copies only the caller) while its state says it
    # exists: the first matrix product in a session would wait for it forever. Sessions run one
    # per core anyway.
    # GC_MARKERS: ECL's Boehm collector (Maxima, in the sage kernel) would start a marker thread.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "GC_MARKERS"):
        os.environ.setdefault(name, "1")
    _writable_mplconfig()
    os.environ.setdefault("MPLBACKEND", figures.BACKEND)
    if os.environ["MPLBACKEND"].lower() == "agg":
        os.environ["MPLBACKEND"] = figures.BACKEND  # the service asks for Agg: ours is Agg + show()
    for name in modules:
        importlib.import_module(name)
    if "matplotlib.pyplot" in sys.modules:
        _warm_matplotlib()
    if sage_kernel.active():
        sage_kernel.preload()
    # Everything a session imports (child imports the rest), so forks do not each import it again.
    import cellar  # noqa: F401
    if sage_kernel.active():
        from .session import preimported

        sage_kernel.build_main(preimported())
    return list(modules)


def _writable_mplconfig() -> None:
    """Points MPLCONFIGDIR at a private writable copy of the prebuilt cache when the given one is
    read-only (the sandbox's /mplconfig, shared by all zygotes): Debian's matplotlib 3.6 does not
    use a read-only config directory at all, but makes a temporary one and rebuilds its font list
    there (~0.5 s per zygote start)."""
    src = os.environ.get("MPLCONFIGDIR")
    if not src or not os.path.isdir(src) or os.access(src, os.W_OK):
        return
    dst = os.path.join(tempfile.gettempdir(), "mplconfig")
    os.makedirs(dst, exist_ok=True)
    for name in os.listdir(src):
        if name.endswith(".json"):
            shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))
    os.environ["MPLCONFIGDIR"] = dst


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
    # matplotlib empties its font cache in every forked child (os.register_at_fork: its FT2Font
    # objects read their files through descriptors a fork shares), so the fonts loaded above
    # would only be freed again in every session, ~1 ms of page faults each: free them once here.
    # A session loads the fonts it draws with anyway. (_get_font is private: skip if it moves.)
    from matplotlib import font_manager

    cache_clear = getattr(getattr(font_manager, "_get_font", None), "cache_clear", None)
    if cache_clear is not None:
        cache_clear()


HUGE_PAGE = 2 << 20


def collapse_heap() -> int:
    """Backs the preloaded heap with 2 MB pages where it can (MADV_COLLAPSE, Linux 6.1+);
    returns how many it made. Every spawn copies the zygote's page tables and every session's
    exit tears its copy down; a huge page is one entry instead of 512, which measured ~25% off
    fork + exit of this ~45 MB heap. Pages a session writes are still copied 4 kB at a time
    (the kernel splits a shared huge page on the first write), so memory per session is
    unchanged. Best effort: an older kernel or THP set to "never" leaves the heap as it is."""
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
    output = limits.get("output_bytes")
    if output is not None and (isinstance(output, bool) or not isinstance(output, int) or output <= 0):
        raise ValueError("spawn: limits.output_bytes must be a positive integer")
    nofile = limits.get("nofile")
    if nofile is not None and (isinstance(nofile, bool) or not isinstance(nofile, int) or not 16 <= nofile <= 1 << 20):
        raise ValueError("spawn: limits.nofile must be an integer from 16 to 1048576")
    return msg


def _read_reports(fd: int) -> list:
    """Reads G's report lines until it has closed the pipe (or the timeout)."""
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


def spawn(request: dict, relay) -> dict:
    """Clones G for one session straight into its namespaces (one copy of the zygote per session,
    not two), writes its uid/gid maps, and once G has set itself up hands its pipes and pidfd to
    the relay R (`relay`, supervisor.start), which connects to the session's socket. Returns the
    `spawned` or `spawn_failed` reply."""
    session = request["session"]
    report_r, report_w = os.pipe()
    maps_r, maps_w = os.pipe()
    # G's only ways to talk: requests R -> G, messages G -> R.
    req_r, req_w = os.pipe()
    msg_r, msg_w = os.pipe()
    try:
        pid = linux.clone_into_namespaces(sandbox.NAMESPACES)
    except OSError as e:
        for fd in (report_r, report_w, maps_r, maps_w, req_r, req_w, msg_r, msg_w):
            os.close(fd)
        return {"op": "spawn_failed", "session": session, "error": str(e)}
    if pid == 0:
        try:
            for fd in (report_r, maps_w, req_w, msg_r):
                os.close(fd)
            run_session_child(request, report_w, maps_r, req_r, msg_w)  # never returns
        finally:
            os._exit(1)
    for fd in (report_w, maps_r, req_r, msg_w):
        os.close(fd)
    ours = [req_w, msg_r]
    try:
        ours.append(os.pidfd_open(pid))  # before anything can end G: the pid is still G's
        sandbox.map_child_identity(pid, os.getuid(), os.getgid())
        os.write(maps_w, b"1")
    except OSError as e:
        os.close(maps_w)  # G reads end-of-file instead of the byte and exits
        os.close(report_r)
        _close(ours)
        return {"op": "spawn_failed", "session": session, "error": f"user namespace maps: {e}"}
    os.close(maps_w)
    try:
        reports = _read_reports(report_r)
    except TimeoutError as e:
        _kill(pid)  # stuck before reporting; one that reported an error has exited by itself
        reports = [{"error": str(e)}]
    except ValueError as e:
        reports = [{"error": str(e)}]
    finally:
        os.close(report_r)
    merged = {}
    for report in reports:
        merged.update(report)
    if "error" in merged or not merged.get("ok"):
        _close(ours)
        error = merged.get("error") or "the session child ended without reporting"
        return {"op": "spawn_failed", "session": session, "error": error}
    # A service request may be longer than the output limit (it has its own cap).
    max_line = max(request["limits"].get("output_bytes", supervisor.MAX_LINE), frames.MAX_REQUEST_BYTES)
    try:
        supervisor.hand_over(relay, session, os.path.join(request["dir"], "sock"), pid, ours[2], req_w, msg_r, max_line)
    except OSError as e:
        _kill(pid)
        raise SystemExit(f"zygote: the relay is gone ({e}); the service starts a new zygote") from e
    finally:
        _close(ours)
    # child_pid: the same pid, for readers of the earlier two-process reply.
    return {"op": "spawned", "session": session, "pid": pid, "child_pid": pid}


def _close(fds) -> None:
    for fd in fds:
        os.close(fd)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def serve(modules, kernel: str) -> None:
    """Zygote main loop: ready, then one spawn at a time until stdin closes."""
    # Our protocol is the original stdout; fd 1 becomes stderr so a module that prints while
    # importing cannot corrupt it.
    # R first: a small copy of this process, holding none of what follows.
    relay = supervisor.start()
    out = io.FileIO(os.dup(1), "wb")
    os.dup2(2, 1)

    def send(obj: dict) -> None:
        out.write((json.dumps(obj) + "\n").encode())

    loaded = preload(modules)
    gc.collect()
    gc.freeze()  # keeps the preloaded objects' pages shared with the forks (no refcount COW by GC)
    collapse_heap()
    threads = len(os.listdir("/proc/self/task"))
    if threads > 1:
        # See linux.clone_into_namespaces: a session cloned from a threaded zygote could deadlock.
        raise SystemExit(f"zygote: {threads} threads after preloading {loaded}; sessions need a single-threaded zygote")
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the session children
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
        send(spawn(request, relay))
