"""Per-session isolation, done inside the zygote's bwrap sandbox (docs/exec.md section 1).

The zygote clones G straight into NAMESPACES and writes its uid/gid maps
(`map_child_identity`); G (pid 1 of the new pid namespace) calls `make_mounts_private`,
`build_root` and then `lock_down`.

Why a new root instead of binding onto `/work` in place: the root bwrap gives us is a tmpfs that
bwrap remounted read-only in its own user namespace, so inside ours that flag is locked and
`mkdir /work` fails with EROFS. G therefore mounts a small tmpfs of its own, builds a minimal
tree in it (read-only binds of /usr, /etc, /dev, /cellar, /mplconfig, the same /lib* symlinks,
the session's directory as /work, a fresh /proc, a private /tmp), `pivot_root`s into it and
detaches the old root. What the cell sees is only that tree: no /sessions at all.
"""

import os
import socket

from . import linux, syscall_filter

# Directories of the zygote's root bound read-only into each session's root. Anything else at
# the top of the zygote's root (/sessions above all) is left out; symlinks are copied as they are.
BOUND_DIRS = ("usr", "etc", "cellar", "mplconfig")
TMP_SIZE = "64m"
# Files in G's private /tmp: a flood of empty files costs kernel memory (inodes, dentries) that the
# size limit does not count.
TMP_INODES = 4096
HOSTNAME = "cellar"
SHM_SIZE = "16m"


def _write(path: str, text: str) -> None:
    # Raw os calls, not open(): a buffered text file is a dozen objects, each a page a session
    # (or the zygote, after a clone) writes to for the first time.
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


# Per session, not per zygote: its own IPC (SysV shm, queues, semaphores), network (only `lo`)
# and host name, so sessions of one zygote cannot meet through any of them.
# Compiled once, here in the zygote at import; each session loads it with one prctl
# (`confine`), after its own set-up, which the filter would deny.
SESSION_FILTER = syscall_filter.Program(syscall_filter.compile_bpf("session"))

NAMESPACES = (linux.CLONE_NEWUSER | linux.CLONE_NEWNS | linux.CLONE_NEWPID | linux.CLONE_NEWIPC
              | linux.CLONE_NEWNET | linux.CLONE_NEWUTS)

# /proc/sys/user's namespace limits, listed once here in the zygote; G sets each to 0 in its
# final user namespace, so nothing in the session can make a namespace of any kind.
NAMESPACE_LIMITS = tuple(sorted(
    name for name in (os.listdir("/proc/sys/user") if os.path.isdir("/proc/sys/user") else ())
    if name.startswith("max_") and name.endswith("_namespaces")))


def map_child_identity(pid: int, uid: int, gid: int) -> None:
    """In the zygote, right after cloning G into NAMESPACES: G's uid/gid maps (identity, our one
    id), written from the parent user namespace, as an unprivileged owner may."""
    _map_identity(uid, gid, f"/proc/{pid}")


def make_mounts_private() -> None:
    """In G, once its maps are written: mounts made from now on do not propagate back."""
    linux.mount("none", "/", None, linux.MS_REC | linux.MS_PRIVATE)


def _map_identity(uid: int, gid: int, proc: str = "/proc/self") -> None:
    # setgroups must be denied before an unprivileged process may write gid_map.
    _write(f"{proc}/setgroups", "deny")
    _write(f"{proc}/uid_map", f"{uid} {uid} 1")
    _write(f"{proc}/gid_map", f"{gid} {gid} 1")


def _survey_root() -> tuple:
    """The top of the zygote's root as ([(symlink target, name)], [directory to bind])."""
    links, dirs = [], []
    for name in sorted(os.listdir("/")):
        src = "/" + name
        if os.path.islink(src):
            links.append((os.readlink(src), name))
        elif name in BOUND_DIRS and os.path.isdir(src):
            dirs.append(name)
    return links, dirs


# Surveyed once, at import in the zygote (bwrap made its root before Python started), instead of
# listing and stat-ing it in every session.
_ROOT_LINKS, _ROOT_DIRS = _survey_root()


def build_root(work_dir: str, new_root: str = "/tmp") -> None:
    """In G: builds the session's root (see the module's comment) and pivots into it.
    `new_root` must be an existing directory; a tmpfs is mounted on it (in our mount namespace
    only, so the zygote's /tmp is untouched)."""
    ro = linux.MS_BIND | linux.MS_REMOUNT | linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV
    linux.mount("tmpfs", new_root, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "size=1m,mode=755")
    for target, name in _ROOT_LINKS:
        os.symlink(target, os.path.join(new_root, name))
    for name in _ROOT_DIRS:
        dst = os.path.join(new_root, name)
        os.mkdir(dst)
        linux.mount("/" + name, dst, None, linux.MS_BIND | linux.MS_REC)
        linux.mount(None, dst, None, ro)
    dev = os.path.join(new_root, "dev")
    os.mkdir(dev)
    linux.mount("/dev", dev, None, linux.MS_BIND | linux.MS_REC)
    # bwrap's /dev is one tmpfs shared by every session of this zygote: read-only here, and a
    # private /dev/shm (multiprocessing's semaphores live there) so sessions cannot meet in it.
    linux.mount(None, dev, None, ro)
    if os.path.isdir(os.path.join(dev, "shm")):
        linux.mount("tmpfs", os.path.join(dev, "shm"), "tmpfs",
                    linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC, f"size={SHM_SIZE},mode=1777")
    work = os.path.join(new_root, "work")
    os.mkdir(work)
    linux.mount(work_dir, work, None, linux.MS_BIND | linux.MS_REC)
    linux.mount(None, work, None, linux.MS_BIND | linux.MS_REMOUNT | linux.MS_NOSUID | linux.MS_NODEV)
    proc = os.path.join(new_root, "proc")
    os.mkdir(proc)
    # Mounted by G, a member of the new pid namespace: it lists only this session's processes.
    linux.mount("proc", proc, "proc", linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC)
    tmp = os.path.join(new_root, "tmp")
    os.mkdir(tmp)
    linux.mount("tmpfs", tmp, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, f"size={TMP_SIZE},nr_inodes={TMP_INODES},mode=1777")
    old = os.path.join(new_root, ".oldroot")
    os.mkdir(old)
    linux.pivot_root(new_root, old)
    os.chdir("/")
    linux.umount2("/.oldroot", linux.MNT_DETACH)
    os.rmdir("/.oldroot")
    linux.mount(None, "/", None, ro)


def lock_down() -> None:
    """In G, after the mounts: `lo` up (while G holds CAP_NET_ADMIN over its network namespace:
    cells may serve and connect on localhost) and the host name set to HOSTNAME, a nested user namespace (its owner cannot undo
    mounts made in the outer one) whose namespace limits are all 0, no capabilities,
    no_new_privs, not dumpable (only after the maps are written: a non-dumpable process cannot
    write its own /proc/self/setgroups)."""
    linux.interface_up("lo")
    socket.sethostname(HOSTNAME)  # the UTS namespace came with the host's name
    uid, gid = os.getuid(), os.getgid()
    linux.unshare(linux.CLONE_NEWUSER)
    _map_identity(uid, gid)
    for name in NAMESPACE_LIMITS:
        _write(f"/proc/sys/user/{name}", "0")
    linux.drop_all_capabilities()
    linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    linux.prctl(linux.PR_SET_DUMPABLE, 0)


def confine() -> None:
    """In G, last of its set-up (after lock_down: the filter needs no_new_privs, and denies the
    mounts and namespaces the set-up makes): the session's seccomp filter, inherited by every
    process and thread the session starts."""
    SESSION_FILTER.load()
