"""The two seccomp profiles (cellar_kernel/syscall_filter.py), each loaded in a forked child of
this test: what the session profile denies and with which errno, what the zygote profile still
allows for G's set-up, and the script the service runs to write both files."""

from cellar_path import KERNEL_DIR  # lib/exec/python (/cellar in a sandbox), put first on sys.path
import ctypes
import errno
import os
import platform
import subprocess
import sys
import tempfile
import threading
import unittest

try:
    from cellar_kernel import syscall_filter
except ImportError as e:  # python3-seccomp missing
    syscall_filter = None
    MISSING = f"libseccomp's binding is missing ({e}): apt-get install python3-seccomp"
else:
    MISSING = "" if platform.machine() == "x86_64" else f"the probes use x86_64 syscall numbers, not {platform.machine()}'s"

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
CLONE_NEWUSER, CLONE_NEWNS = 0x10000000, 0x20000
SYS = {"unshare": 272, "mount": 165, "clone3": 435, "personality": 135, "io_uring_setup": 425, "bpf": 321,
       "setns": 308, "add_key": 248}


def call(name: str, *args) -> str:
    """The raw syscall's outcome: "ok" or the errno's name."""
    ctypes.set_errno(0)
    r = _libc.syscall(ctypes.c_long(SYS[name]), *[ctypes.c_long(a) for a in args])
    return "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]


def under(profile: str, probe) -> list:
    """Runs probe() in a forked child after loading `profile` (as G does: no_new_privs first) and
    returns what it returned (a list of strings)."""
    program = syscall_filter.Program(syscall_filter.compile_bpf(profile))
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            _libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
            program.load()
            os.write(w, "\n".join(probe()).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        out = f.read().decode()
    os.waitpid(pid, 0)
    return out.splitlines()


@unittest.skipIf(MISSING, MISSING)
class SyscallFilterTest(unittest.TestCase):
    def test_the_session_profile_denies_namespaces_mounts_and_kernel_interfaces_and_keeps_threads(self):
        def probe():
            ran = []
            t = threading.Thread(target=lambda: ran.append("thread"))
            t.start()
            t.join()
            return [call("unshare", CLONE_NEWUSER), call("unshare", CLONE_NEWNS), call("mount", 0, 0, 0, 0, 0),
                    call("clone3", 0, 0), call("personality", 0x0040000), call("personality", 0xFFFFFFFF),
                    call("personality", 0), call("personality", (1 << 32) | 0x0040000),
                    call("io_uring_setup", 1, 0), call("bpf", 0, 0, 0), call("add_key", 0, 0, 0, 0, 0), *ran]

        self.assertEqual(under("session", probe),
                         ["EPERM", "EPERM", "EPERM", "ENOSYS", "EPERM", "ok", "ok", "EPERM",
                          "EPERM", "EPERM", "EPERM", "thread"])

    def test_the_zygote_profile_leaves_what_g_needs_and_denies_the_rest(self):
        def probe():
            return [call("unshare", CLONE_NEWUSER), call("io_uring_setup", 1, 0), call("bpf", 0, 0, 0),
                    call("setns", -1, 0), call("personality", 0x0040000), call("clone3", 0, 0)]

        self.assertEqual(under("zygote", probe), ["ok", "EPERM", "EPERM", "EPERM", "EPERM", "ENOSYS"])

    def test_the_script_writes_both_programs(self):
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([sys.executable, os.path.join(KERNEL_DIR, "cellar_kernel", "syscall_filter.py"), out], check=True)
            session = open(os.path.join(out, "session.bpf"), "rb").read()
            zygote = open(os.path.join(out, "zygote.bpf"), "rb").read()
        self.assertEqual(session, syscall_filter.compile_bpf("session"))
        self.assertEqual(zygote, syscall_filter.compile_bpf("zygote"))
        self.assertNotEqual(session, zygote)


if __name__ == "__main__":
    unittest.main()
