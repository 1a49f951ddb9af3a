"""The seccomp filter's cost per session, with a same-run baseline. Prints; asserts nothing.

    /usr/bin/python3 bench/exec/seccomp_cost.py [--rounds 200] [--sessions 20]

- load: what G pays once per session, prctl(PR_SET_SECCOMP) of the session filter the zygote
  compiled (lib/exec/python/cellar_kernel/syscall_filter.py), timed in a forked child exactly as
  G does it (single-threaded, after no_new_privs), in microseconds of the thread's CPU time;
- baselines: the load of a one-instruction filter the same way, and a whole session spawn (spawn -> hello) through a real zygote under bwrap
  (test/python/testing_zygote.py), the filter's load included, in the same run; the load's share of it;
- per call: a cheap allowed syscall (getppid) and a fork + exit + wait, in a child with and
  without the filter, so what every call of a cell pays is seen too (the kernel caches "always
  allowed" per syscall number, so most calls should not run the filter at all).
"""

import argparse
import ctypes
import os
import statistics
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "../../lib/exec/python")))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "../../test/python")))

from cellar_kernel import syscall_filter  # noqa: E402

PR_SET_NO_NEW_PRIVS = 38
_libc = ctypes.CDLL(None, use_errno=True)


def in_child(fn) -> float:
    """Runs fn() in a forked child and returns the float it wrote back."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.write(w, repr(fn()).encode())
        finally:
            os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 64):
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return float(data)


def load_us(program) -> float:
    """CPU time of the load (the thread's own, so waiting for a core on a shared machine does
    not count), in microseconds."""
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    started = time.thread_time_ns()
    program.load()
    return (time.thread_time_ns() - started) / 1000


def per_call_ns(program, what: str, n: int) -> float:
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if program is not None:
        program.load()
    started = time.perf_counter_ns()
    if what == "getppid":
        for _ in range(n):
            os.getppid()
    else:
        for _ in range(n):
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)
    return (time.perf_counter_ns() - started) / n


def spawn_ms(sessions: int) -> list:
    import testing_zygote

    problem = testing_zygote.missing_requirements()
    if problem:
        print(f"session spawn baseline skipped: {problem}")
        return []
    zygote = testing_zygote.Zygote()
    out = []
    try:
        for i in range(sessions):
            _, conn, elapsed = zygote.spawn(f"bench-{i}", {})
            conn.close()
            out.append(elapsed * 1000)
    finally:
        zygote.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    program = syscall_filter.Program(syscall_filter.compile_bpf("session"))
    compile_ms = (time.perf_counter() - started) * 1000
    print(f"compile (once per zygote): {compile_ms:.1f} ms, {len(syscall_filter.compile_bpf('session')) // 8} BPF instructions")
    # Same-run baseline for the load: a one-instruction filter ("allow") loaded the same way, the
    # fixed price of any seccomp load in a fresh fork (first touches, the kernel's allocation and JIT).
    trivial = syscall_filter.Program(struct.pack("HBBI", 0x06, 0, 0, 0x7FFF0000))
    loads, trivial_loads = [], []
    for _ in range(args.rounds):
        loads.append(in_child(lambda: load_us(program)))
        trivial_loads.append(in_child(lambda: load_us(trivial)))
    load, base = statistics.median(loads), statistics.median(trivial_loads)
    print(f"filter load per session: median {load:.1f} us CPU, p90 {sorted(loads)[int(len(loads) * 0.9)]:.1f} us; "
          f"a one-instruction filter: {base:.1f} us (x{load / base:.2f}; {args.rounds} forks each)")
    spawns = spawn_ms(args.sessions)
    if spawns:
        spawn = statistics.median(spawns)
        print(f"baseline, session spawn -> hello (filter included): median {spawn:.1f} ms ({args.sessions} sessions); "
              f"the filter's load is {100 * load / 1000 / spawn:.2f}% of it")
    for what, n in (("getppid", 200_000), ("fork+exit+wait", 200)):
        # Alternate without/with so a change of load hits both alike.
        plain, filtered = [], []
        for _ in range(3):
            plain.append(in_child(lambda: per_call_ns(None, what, n)))
            filtered.append(in_child(lambda: per_call_ns(program, what, n)))
        p, f = statistics.median(plain), statistics.median(filtered)
        print(f"{what}: {p:.0f} ns without the filter, {f:.0f} ns with it (x{f / p:.3f})")


if __name__ == "__main__":
    main()
