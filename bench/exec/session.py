"""What one session costs the sandboxed side, each figure beside its same-run baseline and the
ratio (prints, asserts nothing): spawn -> hello through a real zygote under bwrap against a cold
start of the runner without a sandbox, and execute -> idle for print(1) and a small matplotlib
plot in a sandboxed session against the same runner without one.

    /usr/bin/python3 bench/exec/session.py [rounds]

Needs root and bubblewrap for the sandbox side; without them only the baselines are printed.
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../test/python")))

from testing_session import LocalSession  # noqa: E402
from testing_zygote import Zygote, missing_requirements  # noqa: E402

PLOT = "plt.plot([1, 3, 2, 4]); plt.title('bench');"


def timed(fn, rounds: int) -> list:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def show(label: str, ms: list, baseline: list = None) -> None:
    ms = sorted(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    ratio = f"  {statistics.median(ms) / statistics.median(baseline):5.2f}x the baseline" if baseline else ""
    print(f"{label:<44} p50 {statistics.median(ms):8.2f} ms  p99 {p99:8.2f} ms  "
          f"-> {1000 / statistics.mean(ms):6.0f}/s one at a time{ratio}")


def cells(conn, rounds: int) -> dict:
    conn.execute("import matplotlib.pyplot as plt")
    return {"print(1)": timed(lambda: conn.execute("print(1)"), rounds * 5), "small plot": timed(lambda: conn.execute(PLOT), rounds)}


def cold_start() -> float:
    """A fresh runner without a sandbox, from process start to its hello (numpy, matplotlib preloaded)."""
    started = time.perf_counter()
    local = LocalSession()
    seconds = time.perf_counter() - started
    local.close()
    return seconds * 1000


def main(rounds: int) -> None:
    local = LocalSession()
    try:
        plain = cells(local.conn, rounds)
    finally:
        local.close()
    colds = [cold_start() for _ in range(min(rounds, 5))]
    show("baseline: cold runner start, no sandbox", colds)
    for name, ms in plain.items():
        show(f"baseline: {name}, no sandbox", ms)
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
        show("sandbox: spawn -> hello (vs cold start)", hellos, colds)
        for name, ms in cells(conns[-1], rounds).items():
            show(f"sandbox: {name}", ms, plain[name])
        for conn in conns:
            conn.close()
    finally:
        zygote.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
