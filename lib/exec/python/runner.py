"""Cellar's Python kernel.

    runner.py [--preload mod,mod] [--kernel NAME]
        The zygote (docs/exec.md section 1), started by the execution service inside bwrap.
        Modules to preload: --preload, else $CELLAR_PRELOAD, else numpy,matplotlib,matplotlib.pyplot.
    runner.py --session-socket PATH --no-isolation [--session ID] [--work DIR]
        One session on PATH without any sandbox (tests and development only): the same session
        protocol (docs/exec.md section 2), this process U and a relay R forked from it first.
"""

import argparse
import os
import sys


def main(argv) -> None:
    parser = argparse.ArgumentParser(prog="runner.py", description="Cellar's Python kernel")
    parser.add_argument("--preload", default=os.environ.get("CELLAR_PRELOAD"))
    parser.add_argument("--kernel", default=os.environ.get("CELLAR_KERNEL", "python"))
    parser.add_argument("--session-socket")
    parser.add_argument("--session", default="local")
    parser.add_argument("--no-isolation", action="store_true")
    parser.add_argument("--work", default=None)
    parser.add_argument("--cpu-seconds", type=float, default=30.0)
    parser.add_argument("--file-bytes", type=int, default=50 * 1024 * 1024)
    args = parser.parse_args(argv)

    from cellar_kernel import zygote

    modules = zygote.DEFAULT_PRELOAD if args.preload is None else [m for m in args.preload.split(",") if m]
    if args.session_socket is None:
        zygote.serve(modules, args.kernel)
        return
    if not args.no_isolation:
        parser.error("--session-socket runs without a sandbox: say so with --no-isolation")
    from cellar_kernel import child, session, supervisor

    relay = supervisor.start()  # before preloading, as the zygote does
    zygote.preload(modules)
    work = os.path.abspath(args.work or os.getcwd())
    os.chdir(work)
    child.set_limits({"cpu_seconds": args.cpu_seconds, "file_bytes": args.file_bytes})
    req_r, req_w = os.pipe()
    msg_r, msg_w = os.pipe()
    pidfd = os.pidfd_open(os.getpid())
    supervisor.hand_over(relay, args.session, os.path.abspath(args.session_socket), os.getpid(), pidfd, req_w, msg_r)
    for fd in (pidfd, req_w, msg_r):
        os.close(fd)
    relay.close()
    session.serve(req_r, msg_w, work_dir=work)

if __name__ == "__main__":
    main(sys.argv[1:])
