"""A real zygote under bwrap as uid 65534 (docs/exec.md section 1): spawn -> socket -> execute,
and isolation checked from inside the cell and from the host."""

import cellar_path  # noqa: F401 -- lib/exec/python on sys.path, first
import json
import os
import unittest

from testing_session import of_type, text
from testing_zygote import SANDBOX_UID, Zygote, needs_sandbox

PROBE = r"""
import json, os, socket
def attempt(fn):
    try:
        fn()
        return "ok"
    except OSError as e:
        return type(e).__name__ + ": " + (e.strerror or str(e))
def write(path):
    with open(path, "w") as f:
        f.write("x")
def links():
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            found.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass  # the listing's own descriptor
    return found
report = {
    "root": sorted(os.listdir("/")),
    "work": sorted(os.listdir("/work")),
    "cwd": os.getcwd(),
    # Only the relay, in no session's pid namespace, holds the session socket: the cell has pipes.
    "sockets": [link for link in links() if link.startswith("socket:")],
    "pid": os.getpid(),
    "uid": os.getuid(),
    "procs": sorted(p for p in os.listdir("/proc") if p.isdigit()),
    "env": sorted(os.environ),
    "connect": attempt(lambda: socket.create_connection(("1.1.1.1", 80), timeout=3)),
    "resolve": attempt(lambda: socket.getaddrinfo("example.com", 80)),
    "write_etc": attempt(lambda: write("/etc/cellar-x")),
    "write_usr": attempt(lambda: write("/usr/cellar-x")),
    "write_root": attempt(lambda: write("/cellar-x")),
    "write_code": attempt(lambda: write("/cellar/cellar-x")),
    "write_tmp": attempt(lambda: write("/tmp/mine")),
    "write_work": attempt(lambda: write("/work/made.txt")),
    "kill_zygote": attempt(lambda: os.kill(ZYGOTE_PID, 0)),
    "umount_work": attempt(lambda: __import__("cellar_kernel.linux").linux.umount2("/work", 2)),
}
print(json.dumps(report))
"""


@needs_sandbox
class SandboxTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.zygote = Zygote()

    @classmethod
    def tearDownClass(cls):
        cls.zygote.close()

    def test_ready_reports_host_pid_and_preloaded_modules(self):
        ready = self.zygote.ready
        self.assertEqual(ready["op"], "ready")
        self.assertEqual(ready["kernel"], "python")
        self.assertIn("numpy", ready["preloaded"])
        self.assertTrue(os.path.exists(f"/proc/{ready['pid']}"), "the zygote's pid is a host pid")

    def test_a_cell_in_a_session_is_isolated(self):
        _, a, _ = self.zygote.spawn("sess-a", {"main.py": "print('a')\n", "helper.py": "X = 1\n"})
        spawned_b, b, _ = self.zygote.spawn("sess-b", {"secret.txt": "b's data\n"})
        try:
            msgs = a.execute(PROBE.replace("ZYGOTE_PID", str(self.zygote.ready["pid"])))
            self.assertEqual(of_type(msgs, "error"), [])
            r = json.loads(text(msgs))
            allowed = {"bin", "cellar", "dev", "etc", "lib", "lib32", "lib64", "libx32", "mplconfig", "proc",
                       "sbin", "tmp", "usr", "work"}
            self.assertLessEqual(set(r["root"]), allowed)  # no /sessions: other sessions are not there
            self.assertLessEqual({"work", "tmp", "usr", "proc"}, set(r["root"]))
            self.assertEqual(r["work"], ["helper.py", "main.py"])  # not sess-b's files
            self.assertEqual(r["cwd"], "/work")
            self.assertEqual(r["pid"], 1, "the cell runs in G, pid 1 of the session")
            self.assertEqual(r["procs"], ["1"], "only the session's own processes are visible: not the relay")
            self.assertEqual(r["sockets"], [], "the session socket is the relay's, not the cell's")
            self.assertEqual(r["uid"], SANDBOX_UID)
            self.assertNotIn("CELLAR_TEST_SECRET", r["env"])
            self.assertIn("Network is unreachable", r["connect"])
            self.assertNotEqual(r["resolve"], "ok")
            for key in ("write_etc", "write_usr", "write_root", "write_code"):
                self.assertIn("Read-only file system", r[key], key)
            self.assertEqual(r["write_tmp"], "ok")
            self.assertEqual(r["write_work"], "ok")
            self.assertIn("ProcessLookupError", r["kill_zygote"])
            self.assertIn("Operation not permitted", r["umount_work"])

            made = os.path.join(self.zygote.work_dir("sess-a"), "made.txt")
            self.assertEqual(os.stat(made).st_uid, SANDBOX_UID, "files written in /work belong to 65534 on the host")

            # Session b: its own /tmp (a's file is not there), and its pids are host pids.
            msgs = b.execute("import os\nprint(sorted(os.listdir('/tmp')), sorted(os.listdir('/work')))")
            self.assertEqual(text(msgs), "[] ['secret.txt']\n")
            with open(f"/proc/{spawned_b['child_pid']}/status") as f:
                status = f.read()
            self.assertIn(f"Uid:\t{SANDBOX_UID}", status)
            nspid = next(line for line in status.splitlines() if line.startswith("NSpid:")).split()
            self.assertEqual(nspid[-1], "1", "the session child is pid 1 of its own pid namespace")
            self.assertEqual(nspid[1], str(spawned_b["child_pid"]))
        finally:
            a.close()
            b.close()

    def test_session_runs_files_imports_and_plots(self):
        files = {"main.py": "import helper\nprint(helper.greet())\n", "helper.py": "def greet():\n    return 'hi'\n"}
        _, conn, _ = self.zygote.spawn("sess-c", files)
        try:
            self.assertEqual(text(conn.execute(files["main.py"], filename="main.py")), "hi\n")
            msgs = conn.execute("import numpy as np, matplotlib.pyplot as plt\nplt.plot(np.arange(5) ** 2);")
            self.assertEqual(len(of_type(msgs, "display_data")), 1)
            # Each cell shows only its own figure: the one before was closed when it was shown.
            # (What a cell costs is measured by bench/exec/session.py.)
            for _ in range(3):
                msgs = conn.execute("plt.plot([1, 3, 2]);")
                self.assertEqual(len(of_type(msgs, "display_data")), 1)
                self.assertEqual(of_type(msgs, "error"), [])
            self.assertEqual(text(conn.execute("print(len(plt.get_fignums()))")), "0\n")
        finally:
            conn.close()

    def test_killing_its_parent_ends_only_its_own_session(self):
        _, victim, _ = self.zygote.spawn("sess-k", {})
        _, other, _ = self.zygote.spawn("sess-l", {})
        try:
            # getppid() is 0 here: kill(0, SIGKILL) reaches only the session's own process group,
            # whose pid 1 (the session itself) cannot be killed from inside its namespace.
            msg_id = victim.submit("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nos.kill(-1, signal.SIGKILL)")
            try:
                victim.collect(msg_id, timeout=10)
            except (EOFError, ConnectionResetError):
                pass  # ending its own session is fine too
            self.assertIsNone(self.zygote.proc.poll(), "the zygote is still running")
            self.assertEqual(text(other.execute("print('other')")), "other\n")
            reply, conn, _ = self.zygote.spawn("sess-m", {})
            self.assertEqual(text(conn.execute("print('new')")), "new\n")
            conn.close()
        finally:
            victim.close()
            other.close()

    def test_spawn_with_a_bad_request_fails_clearly(self):
        reply = self.zygote.request({"op": "spawn", "session": "../x", "dir": "/etc", "limits": {}})
        self.assertEqual(reply["op"], "spawn_failed")
        self.assertIn("session must match", reply["error"])
        reply = self.zygote.request({"op": "spawn", "session": "nosock", "dir": "/sessions/nosock",
                                     "limits": {"cpu_seconds": 30, "file_bytes": 1000}})
        self.assertEqual(reply, {"op": "spawn_failed", "session": "nosock",
                                 "error": reply["error"]})
        self.assertIn("session child", reply["error"])


if __name__ == "__main__":
    unittest.main()
