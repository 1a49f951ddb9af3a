"""Test and benchmark helper: plays the service's side of the session socket
(docs/exec.md section 2) against a real runner process."""

from cellar_path import KERNEL_DIR  # lib/exec/python (/cellar in a sandbox), put first on sys.path
import json
import os
import socket
import subprocess
import tempfile
import time
import uuid

RUNNER = os.path.join(KERNEL_DIR, "runner.py")
PYTHON = "/usr/bin/python3"


class Listener:
    """A unix socket the session connects to, like the service's /sessions/<id>/sock."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(1)

    def accept(self, timeout: float = 30.0) -> "Connection":
        self.sock.settimeout(timeout)
        conn, _ = self.sock.accept()
        conn.settimeout(None)
        return Connection(conn)

    def close(self) -> None:
        self.sock.close()


class Connection:
    """The service's end of one session."""

    def __init__(self, sock) -> None:
        self.sock = sock
        self.reader = sock.makefile("rb")

    def read(self, timeout: float = 30.0) -> dict:
        self.sock.settimeout(timeout)
        line = self.reader.readline()
        if not line:
            raise EOFError("the session closed its socket")
        return json.loads(line)

    def send(self, obj: dict) -> None:
        self.sock.sendall((json.dumps(obj) + "\n").encode())

    def start(self, warm: bool = False) -> dict:
        """Reads hello, sends go (with the pre-spawned sessions' warm-up when `warm`); returns hello."""
        hello = self.read()
        self.send({"op": "go", "warm": True} if warm else {"op": "go"})
        return hello

    def submit(self, code: str, filename=None, cpu_seconds: float = 30) -> str:
        msg_id = uuid.uuid4().hex
        self.send({"op": "execute", "msg_id": msg_id, "code": code, "filename": filename,
                   "cpu_seconds": cpu_seconds})
        return msg_id

    def collect(self, msg_id: str, timeout: float = 30.0) -> list:
        """Messages of one cell up to and including its final idle status."""
        out = []
        deadline = time.monotonic() + timeout
        while True:
            msg = self.read(max(0.01, deadline - time.monotonic()))
            if msg.get("parent") != msg_id:
                continue
            out.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return out

    def execute(self, code: str, filename=None, cpu_seconds: float = 30, timeout: float = 30.0) -> list:
        return self.collect(self.submit(code, filename, cpu_seconds), timeout)

    def submit_update(self, interact_id: str, values: dict, cpu_seconds: float = 30) -> str:
        """Sends an interact update (the service's `op: interact`); returns its msg_id."""
        msg_id = uuid.uuid4().hex
        self.send({"op": "interact", "msg_id": msg_id, "interact": interact_id, "values": values,
                   "cpu_seconds": cpu_seconds})
        return msg_id

    def update(self, interact_id: str, values: dict, cpu_seconds: float = 30, timeout: float = 30.0) -> list:
        return self.collect(self.submit_update(interact_id, values, cpu_seconds), timeout)

    def query(self, op: str, code: str, cursor=None, detail: int = 0, timeout: float = 30.0) -> list:
        """A complete or inspect request (the service's `op: complete | inspect`); its messages
        up to the final idle status."""
        msg_id = uuid.uuid4().hex
        request = {"op": op, "msg_id": msg_id, "code": code, "cursor_pos": len(code) if cursor is None else cursor,
                   "cpu_seconds": 30}
        if op == "inspect":
            request["detail_level"] = detail
        self.send(request)
        return self.collect(msg_id, timeout)

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


def text(msgs: list, name: str = "stdout") -> str:
    """All text of one stream of a cell."""
    return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == name)


def of_type(msgs: list, msg_type: str) -> list:
    return [m["content"] for m in msgs if m["msg_type"] == msg_type]


class LocalSession:
    """runner.py --no-isolation on a socket in a temporary directory, work dir `work`."""

    def __init__(self, files: dict = None, preload: str = "numpy,matplotlib,matplotlib.pyplot",
                 extra_args: tuple = (), warm: bool = False, accept_timeout: float = 30.0):
        self.tmp = tempfile.TemporaryDirectory(prefix="cellar-py-test-")
        self.work = os.path.join(self.tmp.name, "work")
        os.mkdir(self.work)
        for name, content in (files or {}).items():
            with open(os.path.join(self.work, name), "w") as f:
                f.write(content)
        self.listener = Listener(os.path.join(self.tmp.name, "sock"))
        env = {"PATH": "/usr/bin:/bin", "HOME": self.tmp.name, "LANG": "C.UTF-8",
               "MPLCONFIGDIR": os.path.join(self.tmp.name, "mpl"), "PYTHONDONTWRITEBYTECODE": "1"}
        self.proc = subprocess.Popen(
            [PYTHON, "-u", RUNNER, "--session-socket", self.listener.path, "--no-isolation",
             "--work", self.work, "--preload", preload, *extra_args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # A session preloading sage.all connects only after it (tens of seconds on a busy machine).
        self.conn = self.listener.accept(accept_timeout)
        self.hello = self.conn.start(warm)

    def close(self) -> None:
        self.conn.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.listener.close()
        self.tmp.cleanup()
