"""The execution service's mount helper (lib/exec/service/mounts.ts): one root process that
mounts and unmounts the sessions' run directories on request.

Why a process of its own: Node has no mount(2), and /bin/mount + /bin/umount cost ~14 ms of CPU
per session (libmount parses the mount table each time), a quarter of a print(1) session. Here a
request is one pipe round trip and one system call.

Requests, one per line on stdin; each answered by "ok" or "err <errno> <message>" on stdout:
  tmpfs <size bytes> <inodes> <path>   a tmpfs (nosuid, nodev, root's 0711) on <path>
  shared <path>                         make the mount on <path> a shared one (propagation)
  detach <path>                         lazy unmount (MNT_DETACH) of <path>
The path is the rest of the line (it may hold spaces; the service refuses newlines).
"""

import ctypes
import os
import signal
import sys

MS_NOSUID = 2
MS_NODEV = 4
MS_SHARED = 1 << 20
MNT_DETACH = 2

libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p)
libc.umount2.argtypes = (ctypes.c_char_p, ctypes.c_int)


def _check(rc: int) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def handle(line: str) -> None:
    op, _, rest = line.partition(" ")
    if op == "tmpfs":
        size, inodes, path = rest.split(" ", 2)
        data = f"size={int(size)},nr_inodes={int(inodes)},mode=711".encode()
        _check(libc.mount(b"cellar-run", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, data))
    elif op == "shared":
        _check(libc.mount(None, rest.encode(), None, MS_SHARED, None))
    elif op == "detach":
        _check(libc.umount2(rest.encode(), MNT_DETACH))
    else:
        raise OSError(22, f"unknown request {op!r}")


def main() -> None:
    # A signal to the service's whole process group (Ctrl-C, a launcher's or a test's SIGTERM)
    # must not end the helper before the service's shutdown has used it to unmount the run
    # directories: it ends when the service closes its stdin (or dies).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    out = sys.stdout
    for line in sys.stdin:
        try:
            handle(line.rstrip("\n"))
            out.write("ok\n")
        except (OSError, ValueError) as e:
            out.write(f"err {getattr(e, 'errno', None) or 22} {e}\n".replace("\n", " ").rstrip() + "\n")
        out.flush()


if __name__ == "__main__":
    main()
