"""The seccomp filters of the sandbox (docs/exec.md section 1), built with libseccomp through
Debian's `python3-seccomp` (its official Python binding).

Why libseccomp: it knows every architecture's syscall numbers, adds the architecture check
(a call made through another ABI, such as int 0x80 or x32 numbers on x86_64, never reaches our
rules: it meets the bad-arch action) and compiles argument checks (clone's flags, personality's
value) into correct BPF; hand-written BPF gets exactly these wrong.

Two profiles, both "allow by default, deny these with an errno" (never kill: a blocked call is
an OSError the cell can print, and the session goes on):
- `session`: loaded by every session process G after its own set-up (`load`), and given by
  the service to the cold baseline and the matplotlib cache build (bwrap --add-seccomp-fd).
- `zygote`: given to the zygote's bwrap; the same minus what the zygote and G's set-up need
  (clone with namespace flags, unshare, mount, umount2, pivot_root).

clone3 answers ENOSYS, not EPERM: its flags sit in a struct in memory, which seccomp cannot read,
so it cannot be allowed for threads and denied for namespaces. ENOSYS is "this kernel has no
clone3", on which glibc falls back to clone, whose flags are checked; EPERM would make
pthread_create fail.

Run as a script (`python3 syscall_filter.py DIR`, outside the sandbox) it writes DIR/session.bpf
and DIR/zygote.bpf, the files the service hands to bwrap. It imports nothing of the package.
"""

import ctypes
import errno
import os
import sys

import seccomp

# Every clone(2) flag that makes a namespace. CLONE_NEWTIME (0x80) is absent: in clone(2) that
# bit belongs to the exit signal, and a time namespace can only come from unshare/clone3.
CLONE_NEW_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)

# Denied in every profile: kernel interfaces that widen the attack surface and that neither the
# interpreters nor our set-up use (ours, plus the rest of Docker's default deny list).
ALWAYS_DENIED = (
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "bpf", "userfaultfd", "perf_event_open",
    "keyctl", "add_key", "request_key",
    "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_getfd", "kcmp",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "create_module", "get_kernel_syms", "query_module",
    "open_by_handle_at", "name_to_handle_at", "quotactl", "quotactl_fd", "lookup_dcookie",
    "swapon", "swapoff", "reboot", "acct", "syslog", "vhangup", "uselib", "iopl", "ioperm",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime",
    "chroot", "fanotify_init", "sysfs", "ustat", "_sysctl", "nfsservctl", "vm86", "vm86old",
    "mbind", "set_mempolicy", "set_mempolicy_home_node", "migrate_pages", "move_pages",
    # Namespaces and mounts beyond what G's set-up does (it uses mount(2), not the new API).
    "setns", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
)
# Denied to sessions only: G's set-up (under the zygote's filter) still needs them.
SESSION_DENIED = ("unshare", "mount", "umount2", "umount", "pivot_root")


def _known(name: str) -> bool:
    """Whether this architecture has the call (libseccomp gives the others negative numbers)."""
    try:
        return seccomp.resolve_syscall(seccomp.Arch.NATIVE, name) >= 0
    except (ValueError, RuntimeError):
        return False


def _deny(f: "seccomp.SyscallFilter", name: str, err: int, *args) -> None:
    if _known(name):
        f.add_rule(seccomp.ERRNO(err), name, *args)


def _deny_personality_changes(f: "seccomp.SyscallFilter") -> None:
    """personality(2) only as the query (0xffffffff) or PER_LINUX (0); anything else (e.g.
    ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC) is EPERM. The kernel reads the low 32 bits, and
    libseccomp allows one comparison per argument in a rule, so: a value is neither all zeros
    nor all ones exactly when some bit i is 1 and the next bit (i + 1 mod 32) is 0. One masked
    comparison per i covers that; only personality calls walk these 32 rules."""
    for i in range(32):
        one, zero = 1 << i, 1 << ((i + 1) % 32)
        _deny(f, "personality", errno.EPERM, seccomp.Arg(0, seccomp.MASKED_EQ, one | zero, one))


def build(profile: str) -> "seccomp.SyscallFilter":
    """The libseccomp filter of `profile` ("session" or "zygote") for this machine's architecture."""
    if profile not in ("session", "zygote"):
        raise ValueError(f"unknown seccomp profile {profile!r}")
    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    # A call through a foreign ABI (int 0x80, x32 numbers) ends the process: none of ours uses one.
    f.set_attr(seccomp.Attr.ACT_BADARCH, seccomp.KILL_PROCESS)
    # We set no_new_privs ourselves (lock_down; bwrap), and export_bpf does not carry it anyway.
    f.set_attr(seccomp.Attr.CTL_NNP, 0)
    # A binary tree of syscall numbers: calls the kernel cannot cache as always allowed (clone,
    # whose flags are checked) walk ~8 comparisons instead of the whole list.
    f.set_attr(seccomp.Attr.CTL_OPTIMIZE, 2)
    for name in ALWAYS_DENIED:
        _deny(f, name, errno.EPERM)
    _deny(f, "clone3", errno.ENOSYS)
    _deny_personality_changes(f)
    if profile == "session":
        for name in SESSION_DENIED:
            _deny(f, name, errno.EPERM)
        for flag in CLONE_NEW_FLAGS:
            _deny(f, "clone", errno.EPERM, seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    return f


def compile_bpf(profile: str) -> bytes:
    """`profile`'s filter as the BPF program bwrap and prctl(PR_SET_SECCOMP) take."""
    fd = os.memfd_create(f"seccomp-{profile}", os.MFD_CLOEXEC)
    try:
        with os.fdopen(os.dup(fd), "wb") as out:
            build(profile).export_bpf(out)
        size = os.fstat(fd).st_size
        return os.pread(fd, size, 0)
    finally:
        os.close(fd)


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


class Program:
    """A compiled filter ready to load: built once (in the zygote, at import), loaded by each
    session with one prctl and no allocation."""

    def __init__(self, bpf: bytes) -> None:
        if not bpf or len(bpf) % ctypes.sizeof(_SockFilter):
            raise ValueError("seccomp: not a BPF program")
        self._buffer = ctypes.create_string_buffer(bpf, len(bpf))
        self._fprog = _SockFprog(len(bpf) // ctypes.sizeof(_SockFilter),
                                 ctypes.cast(self._buffer, ctypes.POINTER(_SockFilter)))
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._prctl = self._libc.prctl
        self._prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
        self._pointer = ctypes.addressof(self._fprog)

    def load(self) -> None:
        """Installs the filter on the calling thread (the session is single-threaded when it
        calls this; children and threads made later inherit it). Needs no_new_privs."""
        if self._prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, self._pointer, 0, 0) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"seccomp: {os.strerror(err)}")


PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2


def main(argv) -> None:
    if len(argv) != 1:
        raise SystemExit("usage: syscall_filter.py DIR  (writes DIR/session.bpf and DIR/zygote.bpf)")
    for profile in ("session", "zygote"):
        path = os.path.join(argv[0], f"{profile}.bpf")
        with open(path + ".tmp", "wb") as out:
            out.write(compile_bpf(profile))
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main(sys.argv[1:])
