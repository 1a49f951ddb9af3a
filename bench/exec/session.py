"""Prints what one session costs (no assertions): spawn -> hello through a real zygote under
bwrap, and execute -> idle for print(1) and a small matplotlib plot, in the sandbox and without.

    /usr/bin/python3 lib/exec/python/bench_session.py [rounds]
"""

import statistics
import sys
import time

from testing_session import LocalSession
from testing_zygote import Zygote, missing_requirements

PLOT = "plt.plot([1, 3, 2, 4]); plt.title('bench');"


def timed(fn, rounds: int) -> list:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def show(label: str, ms: list) -> None:
    ms = sorted(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{label:<40} p50 {statistics.median(ms):7.2f} ms  p99 {p99:7.2f} ms  "
          f"-> {1000 / statistics.mean(ms):7.0f}/s one at a time")


def cells(conn, label: str, rounds: int) -> None:
    conn.execute("import matplotlib.pyplot as plt")
    show(f"{label}: print(1)", timed(lambda: conn.execute("print(1)"), rounds * 5))
    show(f"{label}: small plot", timed(lambda: conn.execute(PLOT), rounds))


def main(rounds: int) -> None:
    local = LocalSession()
    try:
        cells(local.conn, "no sandbox", rounds)
    finally:
        local.close()
    why = missing_requirements()
    if why:
        print(f"sandbox: skipped ({why})")
        return
    zygote = Zygote()
    try:
        hellos, conns = [], []
        for i in range(rounds):
            _, conn, seconds = zygote.spawn(f"bench-{i}", {"main.py": "print(1)\n"})
            hellos.append(seconds * 1000)
            conns.append(conn)
            if len(conns) > 8:  # no cgroups here: keep the number of live sessions small
                conns.pop(0).close()
        show("sandbox: spawn -> hello", hellos)
        cells(conns[-1], "sandbox", rounds)
        for conn in conns:
            conn.close()
    finally:
        zygote.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
