"""S, the session's supervisor (docs/exec.md section 2): the only process that holds the session
socket. It never runs user code. After hello and go it forks U, the user process that runs the
kernel (session.serve), and talks to it through two pipes only: requests S -> U, messages U -> S.

Everything U writes is the user's. S re-frames U's outputs under the current request (frames.py),
and says busy, execute_reply and idle itself; the cell ends only when U's main thread is really
back waiting for the next request: blocked in read(2) on its request pipe, as the kernel shows in
/proc/<U>/task/<U>/syscall. A reply forged by a running cell therefore ends nothing: the wall
clock and the file checks go on. Reading another process's syscall file needs ptrace-read access:
U makes itself dumpable again (S is not, and S has the same uid, so U cannot read S's memory or
descriptors, while S may read U's; the seccomp filter denies ptrace and process_vm_* anyway)."""

import json
import os
import select
import signal

from . import frames, linux, session

# The syscall number /proc/<pid>/syscall shows for read(2).
_READ_SYSCALL = {"x86_64": b"0", "aarch64": b"63"}[os.uname().machine]
# A line from U longer than this is dropped unread (and counted against the output limit).
MAX_LINE = 64 << 20
# Between checks whether U is back waiting after its reply: it normally is within a few
# hundred microseconds; a cell that forged its reply and runs on is checked every 20 ms.
_CHECK_DELAYS = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02)
_TICK = os.sysconf("SC_CLK_TCK")
# U's CPU limit error is taken as ours when U has used at least this share of its cell's CPU
# seconds since the request. Not all of them: RLIMIT_CPU counts tick-sampled time, which on a VM
# ran ~10% ahead of the time /proc/<pid>/stat shows (measured: the signal at 2.0 s, stat 1.82 s).
_CPU_SHARE = 0.5


def _read_line(sock, buffered: bytes):
    """One line from the socket before the relay starts; (line, the bytes after it) or (None, b"")."""
    while b"\n" not in buffered:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        buffered += chunk
    line, _, rest = buffered.partition(b"\n")
    return line, rest


def serve(sock, session_id: str, work_dir: str = "/work") -> None:
    """Hello, go, fork U, then relay until the service hangs up or U is gone; never returns."""
    sock.sendall(frames.encode({"op": "hello", "session": session_id}).encode() + b"\n")
    line, rest = _read_line(sock, b"")
    if line is None:
        os._exit(0)
    go = json.loads(line)
    if not isinstance(go, dict) or go.get("op") != "go":
        os._exit(2)
    # Forked only now: the service has put S in the session's cgroups before sending go.
    req_r, req_w = os.pipe()
    msg_r, msg_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(sock.detach())
            os.close(req_w)
            os.close(msg_r)
            linux.prctl(linux.PR_SET_DUMPABLE, 1)  # so that S may read its syscall file
            session.serve(req_r, msg_w, warm=go.get("warm") is True, work_dir=work_dir)
        finally:
            os._exit(1)
    os.close(req_r)
    os.close(msg_w)
    Supervisor(sock, pid, req_w, msg_r, rest).run()


class _Cell:
    __slots__ = ("msg_id", "cpu_seconds", "cpu_at_start", "reply", "cpu_signalled")

    def __init__(self, msg_id: str, cpu_seconds: float, cpu_at_start: float) -> None:
        self.msg_id = msg_id
        self.cpu_seconds = cpu_seconds
        self.cpu_at_start = cpu_at_start
        self.reply = None  # U's last execute_reply content
        # The service sent SIGXCPU for this cell: the session's processes together (a child the
        # cell forked, say) used its CPU time, which U's own clock does not show.
        self.cpu_signalled = False


class Supervisor:
    """The relay loop of S (one thread; signals only forward SIGINT/SIGXCPU and wake the loop)."""

    def __init__(self, sock, pid: int, req_w: int, msg_r: int, from_service: bytes) -> None:
        self._sock = sock
        self._pid = pid
        self._req_w = req_w
        self._msg_r = msg_r
        self._from_service = from_service
        self._partial: list = []  # pieces of U's unfinished line
        self._partial_size = 0
        self._skipping = 0  # bytes of an over-long line being dropped
        self._to_user = b""
        self._cell = None
        self._checks = 0
        self._syscall_fd = None
        self._req_link = f"pipe:[{os.fstat(req_w).st_ino}]"
        os.set_blocking(req_w, False)
        os.set_blocking(msg_r, False)
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        signal.set_wakeup_fd(self._wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # the wakeup fd is what matters
        # The service interrupts a cell (SIGINT) or stops it for the session's CPU time over all its
        # processes (SIGXCPU) by signalling S, the pid it knows; the cell runs in U. (S is pid 1 of
        # its namespace: without a handler the kernel would drop either signal from outside.)
        signal.signal(signal.SIGINT, self._forward_signal)
        signal.signal(signal.SIGXCPU, self._forward_signal)

    def _forward_signal(self, signum, frame) -> None:
        if signum == signal.SIGXCPU and self._cell is not None:
            self._cell.cpu_signalled = True
        try:
            os.kill(self._pid, signum)
        except ProcessLookupError:
            pass

    def run(self) -> None:
        while True:
            self._service_lines()
            timeout = None
            if self._cell is not None and self._cell.reply is not None:
                if self._user_waiting():
                    self._finish()
                    continue
                timeout = _CHECK_DELAYS[min(self._checks, len(_CHECK_DELAYS) - 1)]
                self._checks += 1
            readers = [self._sock, self._wake_r] + ([self._msg_r] if self._msg_r is not None else [])
            writers = [self._req_w] if self._to_user else []
            ready, writable, _ = select.select(readers, writers, [], timeout)
            if self._wake_r in ready:
                self._drain_wake()
                self._reap()
            if self._msg_r in ready:
                self._read_user()
            if self._sock in ready:
                chunk = self._sock.recv(65536)
                if not chunk:
                    os._exit(0)  # the service hung up: the session is over
                self._from_service += chunk
            if writable:
                self._write_user()

    # ── service → S → U ────────────────────────────────────────────────────────────────────

    def _service_lines(self) -> None:
        while b"\n" in self._from_service:
            line, _, self._from_service = self._from_service.partition(b"\n")
            try:
                op, msg_id, *args = session.parse_request(json.loads(line))
            except ValueError:
                continue  # U would ignore it too; the service never sends one
            if self._cell is not None:
                continue  # the service sends one request at a time
            self._cell = _Cell(msg_id, args[-1], self._user_cpu())
            self._checks = 0
            self._send(frames.line("status", msg_id, {"execution_state": "busy"}))
            self._to_user += line + b"\n"
            self._write_user()

    def _write_user(self) -> None:
        try:
            written = os.write(self._req_w, self._to_user)
        except BlockingIOError:
            return
        except OSError:
            self._to_user = b""  # U closed its end: it is ending, _reap will tell
            return
        self._to_user = self._to_user[written:]

    # ── U → S → service ────────────────────────────────────────────────────────────────────

    def _read_user(self) -> None:
        while self._msg_r is not None:
            try:
                chunk = os.read(self._msg_r, 1 << 16)
            except BlockingIOError:
                return
            if not chunk:
                # U closed its end (or replaced it): it can say nothing more; its cell still ends
                # only by the wall clock, an interrupt or U's exit.
                os.close(self._msg_r)
                self._msg_r = None
                return
            self._take(chunk)

    def _take(self, chunk: bytes) -> None:
        # Pieces of an unfinished line are kept in a list and joined once: a large image arrives
        # in many reads, and joining at every read would copy it over and over.
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                break
            if self._skipping:
                self._dropped(self._skipping + end - start + 1)
                self._skipping = 0
            else:
                self._partial.append(chunk[start:end])
                line = b"".join(self._partial)
                self._partial, self._partial_size = [], 0
                self._on_user_line(line)
            start = end + 1
        rest = len(chunk) - start
        if not rest:
            return
        if self._skipping:
            self._skipping += rest
            return
        self._partial.append(chunk[start:])
        self._partial_size += rest
        if self._partial_size > MAX_LINE:
            self._skipping, self._partial, self._partial_size = self._partial_size, [], 0

    def _on_user_line(self, line: bytes) -> None:
        cell = self._cell
        if cell is None:
            return  # between cells (a thread or process the cell left behind): nobody's output
        try:
            msg = json.loads(line)
        except ValueError:
            return self._dropped(len(line) + 1)
        output = frames.output_of(msg)
        if output is not None:
            msg_type, content, tag = output
            if msg_type == "error" and content["ename"] in frames.RESERVED_ENAMES:
                if self._hit_cpu_limit(content):
                    content = frames.cpu_limit(content, cell.cpu_seconds)
                else:
                    content = frames.disown(content)
            return self._send(frames.line(msg_type, cell.msg_id, content, tag))
        reply = frames.reply_of(msg)
        if reply is not None:
            cell.reply = reply  # the last one before U is back waiting is the real one
            self._checks = 0
            return
        if isinstance(msg, dict) and msg.get("msg_type") == "status":
            return  # busy and idle are S's to say
        self._dropped(len(line) + 1)

    def _hit_cpu_limit(self, content: dict) -> bool:
        """Whether U's LimitExceeded is its CPU limit: U has used (most of) the cell's CPU seconds."""
        cell = self._cell
        return content["ename"] == frames.LIMIT_ENAME and (
            cell.cpu_signalled or self._user_cpu() - cell.cpu_at_start >= cell.cpu_seconds * _CPU_SHARE)

    def _dropped(self, size: int) -> None:
        # Counted by the service against the cell's output limit, like output it shows.
        self._send(frames.line("dropped", self._cell.msg_id, {"bytes": size}))

    # ── the end of a cell ──────────────────────────────────────────────────────────────────

    def _user_waiting(self) -> bool:
        """Whether U's main thread is blocked reading our request pipe (and not some other
        pipe dup'ed onto the same number)."""
        try:
            if self._syscall_fd is None:
                self._syscall_fd = os.open(f"/proc/{self._pid}/task/{self._pid}/syscall", os.O_RDONLY)
            fields = os.pread(self._syscall_fd, 256, 0).split()
            if len(fields) < 2 or fields[0] != _READ_SYSCALL:
                return False
            return os.readlink(f"/proc/{self._pid}/fd/{int(fields[1], 16)}") == self._req_link
        except (OSError, ValueError):
            return False

    def _finish(self) -> None:
        # Everything U wrote before blocking is in the pipe already: its outputs come first.
        self._read_user()
        cell, self._cell = self._cell, None
        self._send(frames.line("execute_reply", cell.msg_id, cell.reply)
                   + frames.line("status", cell.msg_id, {"execution_state": "idle"}))

    # ── processes ──────────────────────────────────────────────────────────────────────────

    def _drain_wake(self) -> None:
        try:
            while os.read(self._wake_r, 4096):
                pass
        except BlockingIOError:
            pass

    def _reap(self) -> None:
        # S is pid 1 of the session: orphans of the cells' processes are its to reap.
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self._pid:
                self._user_gone()

    def _user_gone(self) -> None:
        """U has exited: what it wrote last is passed on, then S ends, and with it the session
        (the service says "the Python process ended" for a running cell)."""
        if self._msg_r is not None:
            self._read_user()
        os._exit(0)

    def _user_cpu(self) -> float:
        """U's CPU time so far (user + system), in seconds; 0 when it cannot be read."""
        try:
            with open(f"/proc/{self._pid}/stat", "rb") as f:
                fields = f.read().rpartition(b")")[2].split()
            return (int(fields[11]) + int(fields[12])) / _TICK
        except (OSError, ValueError, IndexError):
            return 0.0

    def _send(self, data: bytes) -> None:
        try:
            self._sock.sendall(data)
        except OSError:
            os._exit(0)  # the service hung up
