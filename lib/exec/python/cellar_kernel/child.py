"""The cloned side of a spawn (docs/exec.md section 1): G, the session process. It reports to
the zygote through a pipe (a JSON object per line) and ends with os._exit: it never returns
into the zygote's loop."""

import json
import os
import resource
import signal
import traceback

from . import linux, sandbox, session


def _report(fd: int, obj: dict) -> None:
    os.write(fd, (json.dumps(obj) + "\n").encode())


def run_session_child(request: dict, report_fd: int, maps_fd: int, req_fd: int, msg_fd: int) -> None:
    """G, just cloned into its namespaces: waits until the zygote has written its uid/gid maps
    (a byte on `maps_fd`), builds and locks the sandbox, sets limits, closes every fd but its
    two pipes to the relay (requests on `req_fd`, messages on `msg_fd`), reports ok, then runs
    the session's kernel as U once the relay passes on the service's go."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the zygote ignores it; the cells' subprocesses need it
        null = os.open("/dev/null", os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)  # the zygote's protocol pipe: never ours to write
        os.close(null)
        if os.read(maps_fd, 1) != b"1":
            raise OSError("the zygote could not write the user namespace's maps")
        os.close(maps_fd)
        sandbox.make_mounts_private()
        # Its own session and process group: getppid() is 0 in the new pid namespace, so a cell's
        # kill(os.getppid(), 9) is kill(0, 9), which would otherwise reach the zygote's group.
        os.setsid()
        directory = request["dir"]
        limits = request["limits"]
        sandbox.build_root(os.path.join(directory, "work"))
        sandbox.lock_down()
        os.chdir("/work")
        set_limits(limits)
        sandbox.confine()
        keep = sorted({0, 1, 2, report_fd, req_fd, msg_fd})
        low = 3
        for fd in keep[3:] + [1 << 16]:
            os.closerange(low, fd)
            low = fd + 1
        _report(report_fd, {"ok": True})
        os.close(report_fd)
    except BaseException as e:  # noqa: BLE001
        try:
            _report(report_fd, {"error": f"session child: {e}", "detail": traceback.format_exc(limit=3)})
        finally:
            os._exit(1)
    try:
        # Dumpable again (lock_down cleared it), so that the relay, same uid, may read this
        # process's syscall and fd files (ptrace-read access). Nothing here is secret: the
        # session's processes are the user's own, and the seccomp filter denies ptrace anyway.
        linux.prctl(linux.PR_SET_DUMPABLE, 1)
        session.serve(req_fd, msg_fd)
    finally:
        os._exit(0)


DEFAULT_NOFILE = 1024


def set_limits(limits: dict) -> None:
    """RLIMIT_FSIZE from file_bytes, no core files, RLIMIT_CPU hard = 10 x cpu_seconds (the
    engine raises the soft limit before each cell), RLIMIT_NOFILE (soft = hard) from nofile."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    nofile = int(limits.get("nofile", DEFAULT_NOFILE))
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    file_bytes = int(limits["file_bytes"])
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    hard = int(10 * float(limits["cpu_seconds"]))
    resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
