"""R, the relay (docs/exec.md section 2): one process per zygote, forked from it before the
kernel's modules are loaded, that alone holds the session sockets of all that zygote's sessions
and never runs user code. A session's process U (G itself: pid 1 of the session's namespaces)
runs the kernel and has two pipes only, requests R -> U and messages U -> R; the zygote hands R
their other ends and U's pidfd once U has set itself up (`hand_over`), and R connects to the
session's socket.

Everything U writes is the user's. R re-frames U's outputs under the current request (frames.py),
and says busy, execute_reply and idle itself; a cell ends only when U's main thread is really
back waiting for the next request: blocked in read(2) on its request pipe, as the kernel shows in
/proc/<U>/task/<U>/syscall. A reply forged by a running cell therefore ends nothing: the wall
clock and the file checks go on. R may read that file (ptrace-read access: same uid, and U makes
itself dumpable again once locked down); nothing in a session can see R at all (it is in no
session's pid namespace) or reach it but through the two pipes.

One process for all sessions instead of a supervisor forked in each: a second copy of the
kernel's address space per session cost ~75% more sandbox CPU for a `print(1)` run
(bench/exec/sandbox_cpu.py). R reads at most one chunk per descriptor per turn of its loop, so a
session flooding its pipe delays the others by a chunk at a time, and what it writes counts
against its output limit (the service ends it there)."""

import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time

from . import frames

# The syscall number /proc/<pid>/syscall shows for read(2).
_READ_SYSCALL = {"x86_64": b"0", "aarch64": b"63"}[os.uname().machine]
# A line from U longer than this is dropped unread (and counted against the output limit); the
# zygote passes the session's output limit, which the service enforces anyway.
MAX_LINE = 64 << 20
# Between checks whether U is back waiting after its reply: it normally is within a few
# hundred microseconds; a cell that forged its reply and runs on is checked every 20 ms.
_CHECK_DELAYS = (0.0, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02)
_TICK = os.sysconf("SC_CLK_TCK")
# U's CPU limit error is taken as ours when U has used at least this share of its cell's CPU
# seconds since the request. Not all of them: RLIMIT_CPU counts tick-sampled time, which on a VM
# ran ~10% ahead of the time /proc/<pid>/stat shows (measured: the signal at 2.0 s, stat 1.82 s).
_CPU_SHARE = 0.5
_CHUNK = 1 << 16
# Not read from U while this much waits to go to the service: the pipe fills and U waits.
_BACKLOG = 1 << 20
# At a cell's end everything U wrote before blocking is read: at most a pipe's capacity (up to
# /proc/sys/fs/pipe-max-size, 1 MB by default), while a process the cell left may keep writing.
_DRAIN = 4 << 20
# Service replies waiting for U to read them at most (more are dropped).
_REPLY_BACKLOG = 8 << 20
# The signals the service may have R send to U.
_SIGNALS = {"SIGINT": signal.SIGINT, "SIGXCPU": signal.SIGXCPU}


def start() -> socket.socket:
    """Starts R; returns the caller's end of the control socket. R is a fresh interpreter (-I -S:
    the standard library only, ~20 ms once per zygote), not a fork: it holds nothing of the
    zygote's, neither its descriptors nor its modules' state."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = "import sys; sys.path.insert(0, sys.argv[1]); from cellar_kernel import supervisor; supervisor.main(int(sys.argv[2]))"
    # R keeps only stderr and its control socket (Popen closes the rest): holding the zygote's
    # protocol pipes would hide the zygote's death from the service.
    subprocess.Popen([sys.executable, "-I", "-S", "-c", code, package_root, str(theirs.fileno())], pass_fds=(theirs.fileno(),),
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    theirs.close()
    return ours


def main(fd: int) -> None:
    """R's entry point: relays until its zygote and all their sessions are gone."""
    Relay(socket.socket(fileno=fd)).run()


def hand_over(ctl: socket.socket, session_id: str, socket_path: str, pid: int, pidfd: int, req_w: int, msg_r: int,
              max_line: int = MAX_LINE) -> None:
    """Passes a session that is ready for `go` to R (the descriptors travel as SCM_RIGHTS; the
    caller closes its copies). OSError when R is gone."""
    data = frames.encode({"session": session_id, "socket": socket_path, "pid": pid, "max_line": max_line}).encode()
    socket.send_fds(ctl, [data], [pidfd, req_w, msg_r])


class _Cell:
    __slots__ = ("op", "msg_id", "cpu_seconds", "cpu_at_start", "reply", "cpu_signalled")

    def __init__(self, op: str, msg_id: str, cpu_seconds: float, cpu_at_start: float) -> None:
        # "execute" or "interact" (a cell: outputs, execute_reply), or "complete" or "inspect" (a
        # query: only its reply is passed on, whatever the objects it touched printed)
        self.op = op
        self.msg_id = msg_id
        self.cpu_seconds = cpu_seconds
        self.cpu_at_start = cpu_at_start
        self.reply = None  # U's last execute_reply content
        # The service had SIGXCPU sent for this cell: the session's processes together (a child
        # the cell forked, say) used its CPU time, which U's own clock does not show.
        self.cpu_signalled = False


class Relay:
    """R's loop: one thread, every session's descriptors in one selector."""

    def __init__(self, ctl: socket.socket) -> None:
        self._ctl = ctl
        self._selector = selectors.DefaultSelector()
        self._selector.register(ctl, selectors.EVENT_READ, None)
        self._links: set = set()
        self._unsent: set = set()  # links with messages for the service not yet sent
        # The zygote's process group gets the service's signals; R's sessions end by their
        # sockets and pidfds only.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def run(self) -> None:
        while True:
            now = time.monotonic()
            due = [link.check_at for link in self._links if link.check_at is not None]
            timeout = max(0.0, min(due) - now) if due else None
            for key, mask in self._selector.select(timeout):
                if key.data is None:
                    self._accept()
                    continue
                link, what = key.data
                if link.ended:
                    continue
                try:
                    link.on_ready(what, mask)
                except Exception as e:  # noqa: BLE001 — one session's trouble must not end the others
                    os.write(2, f"cellar relay: session {link.session_id}: {e!r}\n".encode())
                    link.end()
            now = time.monotonic()
            for link in [x for x in self._links if x.check_at is not None and x.check_at <= now]:
                try:
                    link.check()
                except Exception as e:  # noqa: BLE001
                    os.write(2, f"cellar relay: session {link.session_id}: {e!r}\n".encode())
                    link.end()
            # Once per turn: a cell's output, reply and idle read in one turn go in one send (each
            # send wakes the service).
            for link in self._unsent:
                if not link.ended:
                    link.flush()
            self._unsent.clear()
            if self._ctl is None and not self._links:
                os._exit(0)

    def _accept(self) -> None:
        try:
            data, fds, _, _ = socket.recv_fds(self._ctl, 4096, 3)
        except OSError:
            data, fds = b"", []
        if not data:
            for fd in fds:
                os.close(fd)
            # The zygote is gone: its sessions run on until they end.
            self._selector.unregister(self._ctl)
            self._ctl.close()
            self._ctl = None
            return
        pidfd, req_w, msg_r = fds
        info = json.loads(data)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(info["socket"])
        except OSError as e:
            # The service gave up on the session already: U waits for a go that never comes.
            os.write(2, f"cellar relay: session {info['session']}: {e}\n".encode())
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            for fd in (pidfd, req_w, msg_r):
                os.close(fd)
            sock.close()
            return
        link = _Link(self, info["session"], sock, int(info["pid"]), pidfd, req_w, msg_r, int(info["max_line"]))
        self._links.add(link)
        link.start()

    def register(self, fd, events: int, data) -> None:
        self._selector.register(fd, events, data)

    def modify(self, fd, events: int, data) -> None:
        self._selector.modify(fd, events, data)

    def unregister(self, fd) -> None:
        try:
            self._selector.unregister(fd)
        except (KeyError, ValueError):
            pass

    def forget(self, link: "_Link") -> None:
        self._links.discard(link)

    def unsent(self, link: "_Link") -> None:
        self._unsent.add(link)


class _Link:
    """One session: its socket to the service, U's pipes and pidfd, and the running cell."""

    def __init__(self, relay: Relay, session_id: str, sock, pid: int, pidfd: int, req_w: int, msg_r: int, max_line: int) -> None:
        self._relay = relay
        self.session_id = session_id
        self._sock = sock
        self._pid = pid
        self._pidfd = pidfd
        self._req_w = req_w
        self._msg_r = msg_r
        self._max_line = max_line
        self._started = False  # the service's go has been passed on
        self._from_service = b""
        self._to_service = bytearray()
        self._to_user = b""
        self._partial: list = []  # pieces of U's unfinished line
        self._partial_size = 0
        self._skipping = 0  # bytes of an over-long line being dropped
        self._dropped = 0  # bytes dropped from the last chunk, sent as one message
        self._cell = None
        self._checks = 0
        self.check_at = None  # when to look whether U is back waiting (monotonic), else None
        self._syscall_fd = None
        self._req_link = f"pipe:[{os.fstat(req_w).st_ino}]"
        self._events = {}  # fd -> events registered
        self.ended = False
        for fd in (req_w, msg_r):
            os.set_blocking(fd, False)
        sock.setblocking(False)

    def start(self) -> None:
        self._send(frames.encode({"op": "hello", "session": self.session_id}).encode() + b"\n")
        self._relay.register(self._pidfd, selectors.EVENT_READ, (self, "pidfd"))
        self._update()

    # ── readiness ──────────────────────────────────────────────────────────────────────────

    def on_ready(self, what: str, mask: int) -> None:
        if what == "pidfd":
            return self._user_gone()
        if what == "msg":
            return self._read_user(_CHUNK)
        if what == "req":
            self._write_user()
        elif what == "sock":
            if mask & selectors.EVENT_WRITE:
                self.flush()
            if mask & selectors.EVENT_READ and not self.ended:
                self._read_service()
        if not self.ended:
            self._update()

    def _update(self) -> None:
        """Registers what each descriptor waits for now: the socket for reading, and for writing
        while output waits; U's pipe for reading unless the service is behind; the request pipe
        while a request waits."""
        if self.ended:
            return
        self._want(self._sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if self._to_service else 0), "sock")
        if self._msg_r is not None:
            self._want(self._msg_r, selectors.EVENT_READ if len(self._to_service) < _BACKLOG else 0, "msg")
        self._want(self._req_w, selectors.EVENT_WRITE if self._to_user else 0, "req")

    def _want(self, fd, events: int, what: str) -> None:
        key = fd if isinstance(fd, int) else fd.fileno()
        had = self._events.get(key, 0)
        if events == had:
            return
        if not events:
            self._relay.unregister(fd)
            del self._events[key]
        elif not had:
            self._relay.register(fd, events, (self, what))
            self._events[key] = events
        else:
            self._relay.modify(fd, events, (self, what))
            self._events[key] = events

    # ── service → R → U ────────────────────────────────────────────────────────────────────

    def _read_service(self) -> None:
        try:
            chunk = self._sock.recv(_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            return self.end()  # the service hung up: the session is over
        self._from_service += chunk
        while b"\n" in self._from_service and not self.ended:
            line, _, self._from_service = self._from_service.partition(b"\n")
            self._service_line(line)

    def _service_line(self, line: bytes) -> None:
        try:
            msg = json.loads(line)
        except ValueError:
            return  # the service never sends one
        op = msg.get("op") if isinstance(msg, dict) else None
        if not self._started:
            if op == "go":  # U waits for it: the service has put U in the session's cgroups
                self._started = True
                self._to_user += line + b"\n"
                self._write_user()
            return
        if op == "signal":
            return self._signal(msg.get("signal"))
        if op == "service_reply":
            # The answer to a service request of the running cell: U reads it during the cell
            # (requests.py). The service sends one only while that cell runs; one that crosses
            # the cell's end meets no cell here, or a later cell's U, which drops it by its id.
            # Bounded: a cell that asks and never reads its answers loses them, not R's memory.
            if self._cell is not None and self._cell.op not in frames.QUERIES and len(self._to_user) + len(line) <= _REPLY_BACKLOG:
                self._to_user += line + b"\n"
                self._write_user()
            return
        try:
            op, msg_id, *args = frames.parse_request(msg)
        except ValueError:
            return  # U would ignore it too
        if self._cell is not None:
            return  # the service sends one request at a time
        self._cell = _Cell(op, msg_id, args[-1], self._user_cpu())
        self._checks = 0
        # Busy goes out with the cell's first output or its end, not in a send of its own: the
        # service has said busy itself when it sent the request.
        self._to_service += frames.line("status", msg_id, {"execution_state": "busy"})
        self._to_user += line + b"\n"
        self._write_user()

    def _signal(self, name) -> None:
        number = _SIGNALS.get(name)
        if number is None:
            return
        if number == signal.SIGXCPU and self._cell is not None:
            self._cell.cpu_signalled = True
        try:
            signal.pidfd_send_signal(self._pidfd, number)
        except ProcessLookupError:
            pass

    def _write_user(self) -> None:
        try:
            written = os.write(self._req_w, self._to_user)
        except BlockingIOError:
            return
        except OSError:
            self._to_user = b""  # U closed its end: it is ending, its pidfd will tell
            return
        self._to_user = self._to_user[written:]

    # ── U → R → service ────────────────────────────────────────────────────────────────────

    def _read_user(self, budget: int) -> None:
        """Reads up to `budget` bytes of what U wrote (a chunk per turn, or all of it at a cell's end)."""
        while self._msg_r is not None and budget > 0:
            try:
                chunk = os.read(self._msg_r, min(_CHUNK, budget))
            except BlockingIOError:
                break
            if not chunk:
                # U closed its end (or replaced it): it can say nothing more; its cell still ends
                # only by the wall clock, an interrupt or U's exit.
                self._relay.unregister(self._msg_r)
                self._events.pop(self._msg_r, None)
                os.close(self._msg_r)
                self._msg_r = None
                break
            budget -= len(chunk)
            self._take(chunk)
        if self._dropped:
            self._send(frames.line("dropped", self._cell.msg_id, {"bytes": self._dropped}))
            self._dropped = 0
        self._update()

    def _take(self, chunk: bytes) -> None:
        # Pieces of an unfinished line are kept in a list and joined once: a large image arrives
        # in many reads, and joining at every read would copy it over and over.
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                break
            if self._skipping:
                self._drop(self._skipping + end - start + 1)
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
        if self._partial_size > self._max_line:
            self._skipping, self._partial, self._partial_size = self._partial_size, [], 0

    def _on_user_line(self, line: bytes) -> None:
        cell = self._cell
        if cell is None:
            return  # between cells (a thread or process the cell left behind): nobody's output
        try:
            msg = json.loads(line)
        except ValueError:
            return self._drop(len(line) + 1)
        if cell.op in frames.QUERIES:
            # A query shows nothing: its reply, else dropped (and counted, as a cell's would be).
            reply = frames.query_reply_of(msg, cell.op)
            if reply is None:
                return self._drop(len(line) + 1)
            cell.reply = reply
            self._checks = 0
            self.check_at = time.monotonic()
            return
        request = frames.service_request_of(msg, len(line))
        if request is not None:
            # Passed on while a cell runs (not a query); the service limits their size and rate.
            return self._send(frames.line("service_request", cell.msg_id, request))
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
            self.check_at = time.monotonic()
            return
        if isinstance(msg, dict) and msg.get("msg_type") == "status":
            return  # busy and idle are R's to say
        self._drop(len(line) + 1)

    def _drop(self, size: int) -> None:
        # Counted by the service against the cell's output limit, like output it shows.
        if self._cell is not None:
            self._dropped += size

    def _hit_cpu_limit(self, content: dict) -> bool:
        """Whether U's LimitExceeded is its CPU limit: U has used (most of) the cell's CPU seconds."""
        cell = self._cell
        return content["ename"] == frames.LIMIT_ENAME and (
            cell.cpu_signalled or self._user_cpu() - cell.cpu_at_start >= cell.cpu_seconds * _CPU_SHARE)

    # ── the end of a cell ──────────────────────────────────────────────────────────────────

    def check(self) -> None:
        """Ends the cell if U is back waiting, else looks again a little later."""
        if self._cell is None or self._cell.reply is None:
            self.check_at = None
            return
        if self._user_waiting():
            return self._finish()
        self._checks += 1
        self.check_at = time.monotonic() + _CHECK_DELAYS[min(self._checks, len(_CHECK_DELAYS) - 1)]

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
        self._read_user(_DRAIN)
        cell, self._cell = self._cell, None
        self.check_at = None
        reply_type = f"{cell.op}_reply" if cell.op in frames.QUERIES else "execute_reply"
        self._send(frames.line(reply_type, cell.msg_id, cell.reply)
                   + frames.line("status", cell.msg_id, {"execution_state": "idle"}))
        self._update()

    # ── the end of the session ─────────────────────────────────────────────────────────────

    def _user_gone(self) -> None:
        """U has exited (its exit, a kill, the OOM killer): what it wrote last is passed on, then
        the socket closes and the service ends the session ("the Python process ended" for a
        running cell, or the memory limit)."""
        if self._msg_r is not None and self._cell is not None:
            self._read_user(_DRAIN)
        self.flush(blocking=True)
        self.end()

    def end(self) -> None:
        """Ends the session on R's side: U is killed (its pid namespace with it), the socket closed."""
        if self.ended:
            return
        self.ended = True
        self.check_at = None
        try:
            signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
        except OSError:
            pass
        for fd in list(self._events):
            self._relay.unregister(fd)
        self._relay.unregister(self._pidfd)
        self._sock.close()
        for fd in (self._pidfd, self._req_w, self._msg_r, self._syscall_fd):
            if fd is not None:
                os.close(fd)
        self._msg_r = self._syscall_fd = None
        self._relay.forget(self)

    def _user_cpu(self) -> float:
        """U's CPU time so far (user + system), in seconds; 0 when it cannot be read."""
        try:
            with open(f"/proc/{self._pid}/stat", "rb") as f:
                fields = f.read().rpartition(b")")[2].split()
            return (int(fields[11]) + int(fields[12])) / _TICK
        except (OSError, ValueError, IndexError):
            return 0.0

    def _send(self, data: bytes) -> None:
        self._to_service += data
        self._relay.unsent(self)

    def flush(self, blocking: bool = False) -> None:
        """Sends what waits for the service; what the socket does not take now waits for it to
        be writable (and U's pipe is not read meanwhile once 1 MB waits)."""
        if blocking and self._to_service:
            self._sock.setblocking(True)
            self._sock.settimeout(5)
        try:
            while self._to_service:
                sent = self._sock.send(self._to_service)
                del self._to_service[:sent]
        except (BlockingIOError, socket.timeout):
            pass
        except OSError:
            return self.end()  # the service hung up
        finally:
            if blocking and not self.ended:
                self._sock.setblocking(False)
        self._update()
