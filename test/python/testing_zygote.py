"""Test and benchmark helper: starts a real zygote exactly as docs/exec.md section 1 says
(setpriv to uid 65534, bwrap, runner.py) and plays the service's side of spawn and sessions."""

import json
import os
import select
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from testing_session import KERNEL_DIR, PYTHON, Connection

SANDBOX_UID = 65534


def missing_requirements() -> str:
    """Why the sandbox cannot be started here, or "" when it can."""
    for tool in ("bwrap", "setpriv"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install bubblewrap util-linux)"
    if os.getuid() != 0:
        return "setpriv --reuid needs root"
    return ""


def needs_sandbox(cls):
    """Class decorator for tests of a real zygote: skips them where the sandbox cannot start, but
    fails them (in setUpClass) where scripts/test.sh found that it can (CELLAR_REQUIRE_SANDBOX=1):
    there a skip would hide a broken setup."""
    why = missing_requirements()
    if not why:
        return cls
    if os.environ.get("CELLAR_REQUIRE_SANDBOX") != "1":
        return unittest.skip(f"sandbox test skipped: {why}")(cls)

    def refuse(_cls):
        raise AssertionError(f"this machine can run the sandbox (CELLAR_REQUIRE_SANDBOX=1), so this test must not skip, but: {why}")
    cls.setUpClass = classmethod(refuse)
    return cls


def bwrap_args(exec_dir: str, env: dict | None = None, seccomp_fd: int | None = None) -> list:
    """The zygote's command line of docs/exec.md section 1; `env` adds to its environment (a
    kernel's, e.g. CELLAR_KERNEL and CELLAR_PRELOAD); `seccomp_fd`, an fd the zygote's filter can
    be read from. (The host's whole /etc, unlike the service's allowlist.)"""
    args = ["setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_UID}", "--clear-groups", "bwrap",
            "--unshare-user", "--unshare-ipc", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session"]
    if seccomp_fd is not None:
        args += ["--add-seccomp-fd", str(seccomp_fd)]
    args += ["--ro-bind", "/usr", "/usr"]
    for name in ("lib", "lib64", "bin", "sbin"):
        if os.path.islink("/" + name):
            args += ["--symlink", os.readlink("/" + name), "/" + name]
    # bwrap applies options in order: --remount-ro / must follow every mount that creates a
    # mount point in the root, or it fails with "Can't mkdir /cellar: Read-only file system".
    args += ["--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
             "--ro-bind", KERNEL_DIR, "/cellar",
             "--bind", os.path.join(exec_dir, "sessions"), "/sessions",
             "--ro-bind", os.path.join(exec_dir, "mplconfig"), "/mplconfig",
             "--remount-ro", "/", "--clearenv"]
    for key, value in (("HOME", "/tmp"), ("MPLBACKEND", "Agg"), ("MPLCONFIGDIR", "/mplconfig"),
                       ("PYTHONDONTWRITEBYTECODE", "1"), ("LANG", "C.UTF-8"), ("PATH", "/usr/bin:/bin"),
                       *(env or {}).items()):
        args += ["--setenv", key, value]
    return args + ["--", PYTHON, "-u", "/cellar/runner.py"]


class Zygote:
    """A zygote in a temporary EXEC_DIR; `spawn(files)` returns a started `Connection`."""

    def __init__(self, env: dict | None = None) -> None:
        self.exec_dir = tempfile.mkdtemp(prefix="cellar-zygote-test-")
        os.chmod(self.exec_dir, 0o755)
        sessions = os.path.join(self.exec_dir, "sessions")
        mplconfig = os.path.join(self.exec_dir, "mplconfig")
        os.mkdir(sessions)
        os.mkdir(mplconfig)
        # matplotlib's font cache, built once outside, read-only inside (else rebuilt every run).
        subprocess.run([PYTHON, "-c", "import matplotlib.pyplot"], check=True,
                       env={"MPLCONFIGDIR": mplconfig, "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"})
        self.listeners = []
        # The zygote's seccomp filter, as the service gives it (G's set-up runs under it).
        from cellar_kernel import syscall_filter

        filter_path = os.path.join(self.exec_dir, "zygote.bpf")
        with open(filter_path, "wb") as f:
            f.write(syscall_filter.compile_bpf("zygote"))
        filter_fd = os.open(filter_path, os.O_RDONLY)
        try:
            self.proc = subprocess.Popen(bwrap_args(self.exec_dir, env, filter_fd), stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(filter_fd,),
                                         env={**os.environ, "CELLAR_TEST_SECRET": "s3cret"})
        finally:
            os.close(filter_fd)
        self.ready = self.read(120)

    def read(self, timeout: float = 30.0) -> dict:
        if not select.select([self.proc.stdout], [], [], timeout)[0]:
            raise TimeoutError("the zygote did not answer")
        line = self.proc.stdout.readline()
        if not line:
            raise EOFError("zygote exited: " + self.proc.stderr.read().decode(errors="replace"))
        return json.loads(line)

    def request(self, obj: dict) -> dict:
        self.proc.stdin.write((json.dumps(obj) + "\n").encode())
        self.proc.stdin.flush()
        return self.read()

    def prepare(self, session: str, files: dict) -> socket.socket:
        """What the service does before a spawn: work dir with files, a listening socket."""
        root = os.path.join(self.exec_dir, "sessions", session)
        work = os.path.join(root, "work")
        os.makedirs(work)
        for name, content in files.items():
            with open(os.path.join(work, name), "w") as f:
                f.write(content)
        for path in (root, work, *(os.path.join(work, n) for n in files)):
            os.chown(path, SANDBOX_UID, SANDBOX_UID)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(os.path.join(root, "sock"))
        os.chmod(os.path.join(root, "sock"), 0o666)
        listener.listen(1)
        self.listeners.append(listener)
        return listener

    def spawn(self, session: str, files: dict, cpu_seconds: int = 30, file_bytes: int = 52428800):
        """Spawns and starts a session; returns (spawned reply, connection, seconds to hello)."""
        listener = self.prepare(session, files)
        started = time.perf_counter()
        reply = self.request({"op": "spawn", "session": session, "dir": f"/sessions/{session}",
                              "limits": {"cpu_seconds": cpu_seconds, "file_bytes": file_bytes}})
        if reply["op"] != "spawned":
            raise RuntimeError(f"spawn failed: {reply}")
        listener.settimeout(10)
        conn = Connection(listener.accept()[0])
        conn.sock.settimeout(None)
        hello = conn.read()
        elapsed = time.perf_counter() - started
        assert hello == {"op": "hello", "session": session}, hello
        conn.send({"op": "go"})
        return reply, conn, elapsed

    def work_dir(self, session: str) -> str:
        return os.path.join(self.exec_dir, "sessions", session, "work")

    def close(self) -> None:
        for listener in self.listeners:
            listener.close()
        try:
            self.proc.stdin.close()
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
        shutil.rmtree(self.exec_dir, ignore_errors=True)
