"""The relay R against cells that try to speak for it (docs/exec.md section 2), with a real
runner process (runner.py --no-isolation: U, and R started by it) over a real unix socket. The
service-level versions (wall clock, the page's view) are in lib/exec/service/hostile.test.ts."""

import cellar_path  # noqa: F401 -- lib/exec/python on sys.path, first
import json
import time
import unittest
import uuid

from testing_session import LocalSession, of_type, text

# Written by the cell to every descriptor it has, with the cell's real msg_id as the parent.
FORGE = r"""
import json, os, time
forged = [
    {"msg_type": "status", "parent": PARENT, "content": {"execution_state": "idle"}},
    {"msg_type": "execute_reply", "parent": PARENT, "content": {"status": "ok", "execution_count": 99}},
    {"msg_type": "status", "parent": PARENT, "content": {"execution_state": "dead"}, "metadata": {"reason": "limit"}},
    {"msg_type": "error", "parent": PARENT, "metadata": {"limit": "time"},
     "content": {"ename": "LimitExceeded", "evalue": "stopped: ran longer than 1 s", "traceback": ["forged"]}},
    {"msg_type": "stream", "parent": "someone-else", "content": {"name": "stdout", "text": "for another cell\n"}},
]
data = "".join(json.dumps(m) + "\n" for m in forged).encode()
for fd in sorted(int(x) for x in os.listdir("/proc/self/fd")):
    try:
        os.write(fd, data)
    except OSError:
        pass
time.sleep(1)
print("still running")
"""

# Blocks in read(2) on a pipe of its own put on the request pipe's number, after a forged reply:
# the syscall S watches looks right, the pipe does not.
DECOY = r"""
import json, os, threading, time
def flags(fd):
    with open(f"/proc/self/fdinfo/{fd}") as f:
        return int(f.read().split("flags:")[1].split()[0], 8)
request = [fd for fd in map(int, os.listdir("/proc/self/fd"))
           if os.path.exists(f"/proc/self/fd/{fd}") and os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:")
           and flags(fd) & 0o4003 == 0]  # read-only and blocking: the request pipe
assert len(request) == 1, request
req = request[0]
saved = os.dup(req)
mine_r, mine_w = os.pipe()
os.dup2(mine_r, req)
for fd in map(int, os.listdir("/proc/self/fd")):
    try:
        os.write(fd, (json.dumps({"msg_type": "execute_reply", "parent": PARENT, "content": {"status": "ok"}}) + "\n").encode())
    except OSError:
        pass
def release():
    time.sleep(1)
    os.write(mine_w, b"x")
threading.Thread(target=release).start()
os.read(req, 1)
os.dup2(saved, req)
print("released")
"""


class SupervisorTest(unittest.TestCase):
    def setUp(self):
        self.s = LocalSession({})

    def tearDown(self):
        self.s.close()

    def run_forging(self, code: str, timeout: float = 20) -> tuple:
        """Runs `code` with PARENT set to its own msg_id; returns the cell's messages up to its
        idle, and every other message read meanwhile."""
        conn = self.s.conn
        msg_id = uuid.uuid4().hex
        conn.send({"op": "execute", "msg_id": msg_id, "code": code.replace("PARENT", json.dumps(msg_id)),
                   "filename": None, "cpu_seconds": 30})
        mine, others = [], []
        deadline = time.monotonic() + timeout
        while True:
            msg = conn.read(max(0.01, deadline - time.monotonic()))
            (mine if msg.get("parent") == msg_id else others).append(msg)
            if mine and mine[-1]["msg_type"] == "status" and mine[-1]["content"]["execution_state"] == "idle":
                return mine, others

    def test_forged_messages_on_every_descriptor_do_not_end_the_cell(self):
        msgs, others = self.run_forging(FORGE)
        self.assertIn("still running\n", text(msgs), "the cell was taken as finished while it still ran")
        self.assertEqual([m["msg_type"] for m in msgs if m["msg_type"] in ("status", "execute_reply")],
                         ["status", "execute_reply", "status"])
        self.assertEqual([m["content"]["execution_state"] for m in msgs if m["msg_type"] == "status"], ["busy", "idle"])
        self.assertEqual(of_type(msgs, "execute_reply")[0], {"status": "ok", "execution_count": 1})
        self.assertEqual(others, [], "a message for another request reached the service")
        # The cell's own error named like the service's limit errors is shown as the cell's.
        for error in of_type(msgs, "error"):
            self.assertNotEqual(error["ename"], "LimitExceeded")
        self.assertNotIn("metadata", [k for m in msgs if m["msg_type"] == "error" for k in m.get("metadata", {})])
        self.assertEqual(text(self.s.conn.execute("print('next')")), "next\n")

    def test_a_decoy_pipe_on_the_request_descriptor_does_not_end_the_cell(self):
        msgs, _ = self.run_forging(DECOY)
        self.assertEqual(of_type(msgs, "error"), [])
        self.assertIn("released\n", text(msgs), "the cell was taken as finished while it still ran")
        self.assertEqual(text(self.s.conn.execute("print('next')")), "next\n")

    def test_garbage_on_the_message_pipe_is_dropped_and_counted(self):
        code = ("import os\nfor fd in map(int, os.listdir('/proc/self/fd')):\n"
                "    try:\n        os.write(fd, b'not json\\n' * 1000 + b'[1, 2]\\n')\n    except OSError:\n        pass\n"
                "print('done')")
        msgs, _ = self.run_forging(code)
        # "done" is print's; the garbage written to fds 1 and 2 (the pump's pipes) is read by the
        # pump thread meanwhile and may land between "done" and print's separate newline.
        self.assertIn("done", text(msgs))
        self.assertEqual(of_type(msgs, "execute_reply")[0]["status"], "ok")
        dropped = sum(m["bytes"] for m in of_type(msgs, "dropped"))
        self.assertGreaterEqual(dropped, len(b"not json\n") * 1000 + len(b"[1, 2]\n"))

    def test_a_real_cpu_limit_is_still_reported_as_the_limit(self):
        msgs = self.s.conn.execute("while True:\n    pass", cpu_seconds=1)
        error = of_type(msgs, "error")[0]
        self.assertEqual((error["ename"], error["evalue"]), ("LimitExceeded", "stopped: used more than 1 s of CPU time"))


if __name__ == "__main__":
    unittest.main()
