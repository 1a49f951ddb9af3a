"""Thin ctypes wrappers over the Linux calls Python's os module lacks (clone, unshare, mount,
pivot_root, prctl, capset), and bringing a network interface up. Each raises OSError with the
call's name on failure."""

import ctypes
import fcntl
import os
import platform
import socket
import struct

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
# Every function a session calls is looked up here, in the zygote: ctypes resolves a name on
# first use and caches it in the library object, which would otherwise happen in every session.
_libc.capset.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
_libc.syscall.restype = ctypes.c_long

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2

MADV_COLLAPSE = 25

PR_CAPBSET_DROP = 24
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4

_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
_SYS_CLONE = {"x86_64": 56, "aarch64": 220}
SIGCHLD = 17

# Called with the GIL held (PyDLL), as os.fork calls fork(): the child must come back into the
# interpreter holding it, and the interpreter's fork hooks below expect to run under it.
_pylibc = ctypes.PyDLL(None, use_errno=True)
_pylibc.syscall.restype = ctypes.c_long
_pyapi = ctypes.pythonapi


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _b(value):
    return None if value is None else os.fsencode(value)


def unshare(flags: int) -> None:
    """unshare(2) the given CLONE_* namespaces."""
    _check(_libc.unshare(flags), "unshare")


def clone_into_namespaces(flags: int) -> int:
    """fork(2) into new namespaces: a raw clone(2) with `flags` | SIGCHLD and no new stack, so the
    child continues here like os.fork's child (0 in the child, its host pid in the parent). One
    process instead of fork + unshare + fork: with CLONE_NEWPID the child itself is pid 1 of the
    new pid namespace, while the caller stays where it was. Wrapped in the interpreter's own fork
    steps (PyOS_BeforeFork / AfterFork_Parent / AfterFork_Child: import lock, os.register_at_fork
    hooks, thread state), as os.fork does. Unlike glibc's fork() it skips glibc's atfork handlers
    (malloc arena locks): the caller must have no other thread (the zygote sets
    OPENBLAS_NUM_THREADS=1), and the child's cached thread id is its parent's (only
    pthread_kill of the child's main thread by name would notice)."""
    number = _SYS_CLONE.get(platform.machine())
    if number is None:
        raise OSError(f"clone: unknown syscall number on {platform.machine()}")
    _pyapi.PyOS_BeforeFork()
    zero = ctypes.c_long(0)
    pid = _pylibc.syscall(ctypes.c_long(number), ctypes.c_long(flags | SIGCHLD), zero, zero, zero, zero)
    if pid == 0:
        _pyapi.PyOS_AfterFork_Child()
        return 0
    errno = ctypes.get_errno()
    _pyapi.PyOS_AfterFork_Parent()
    if pid < 0:
        raise OSError(errno, f"clone: {os.strerror(errno)}")
    return pid


def mount(source, target, fstype, flags: int, data=None) -> None:
    """mount(2); names the target in the error."""
    _check(_libc.mount(_b(source), _b(target), _b(fstype), flags, _b(data)), f"mount {target}")


def umount2(target, flags: int) -> None:
    """umount2(2)."""
    _check(_libc.umount2(_b(target), flags), f"umount {target}")


def pivot_root(new_root: str, put_old: str) -> None:
    """pivot_root(2), which glibc does not wrap."""
    number = _SYS_PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise OSError(f"pivot_root: unknown syscall number on {platform.machine()}")
    _check(_libc.syscall(number, _b(new_root), _b(put_old)), "pivot_root")


def madvise(start: int, length: int, advice: int) -> None:
    """madvise(2) on [start, start + length)."""
    _check(_libc.madvise(start, length, advice), "madvise")


def prctl(option: int, arg2: int = 0) -> None:
    """prctl(2) with one argument."""
    _check(_libc.prctl(option, arg2, 0, 0, 0), f"prctl {option}")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


# _LINUX_CAPABILITY_VERSION_3 takes two 32-bit words per set. A ctypes array type is a class
# made on first use: made here, once.
_CapDataPair = _CapData * 2


def _last_capability() -> int:
    try:
        with open("/proc/sys/kernel/cap_last_cap") as f:
            return int(f.read())
    except OSError:
        return 40


# Read once at import (in the zygote), not by every session.
LAST_CAP = _last_capability()


def drop_all_capabilities() -> None:
    """Empties the bounding, ambient, effective, permitted and inheritable sets, so nothing the
    process runs later holds a capability, even in the user namespaces it owns."""
    for cap in range(LAST_CAP + 1):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # fails only for caps we never had
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = _CapDataPair()
    _check(_libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")


SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
_IFREQ = struct.Struct("16sH14x")  # struct ifreq: the name, then ifr_flags in the union


def interface_up(name: str) -> None:
    """Sets IFF_UP on interface `name` of our network namespace (needs CAP_NET_ADMIN there)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            _, flags = _IFREQ.unpack(fcntl.ioctl(s.fileno(), SIOCGIFFLAGS, _IFREQ.pack(name.encode(), 0)))
            fcntl.ioctl(s.fileno(), SIOCSIFFLAGS, _IFREQ.pack(name.encode(), flags | IFF_UP))
        except OSError as e:
            raise OSError(e.errno, f"bringing {name} up: {os.strerror(e.errno)}") from None
