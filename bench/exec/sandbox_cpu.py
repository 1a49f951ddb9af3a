"""CPU time per session of the sandboxed side alone: one real zygote (setpriv + bwrap + runner.py,
as test/python/testing_zygote.py starts it) and the session children it clones, measured
with a cgroup v1 cpuacct group around them, so other work on this shared machine does not count.
Executions/s depend on the machine's load; CPU ms per session much less. Prints; asserts nothing.

    /usr/bin/python3 bench/exec/sandbox_cpu.py [--kernel python|sage] [--cell print|png|none] [--sessions 30] [--rounds 6] [DIR ...]

Each DIR is a copy of lib/exec/python to compare (default: the checkout's own). With several,
each gets its own zygote and the rounds alternate between them (A B B A ...), so a change of
load hits all alike; the median of the rounds is the figure. A session is what a Run press
costs the sandbox: spawn, hello, go, one cell, close, until the session child has exited.
Also printed: the zygote's own share (from /proc/<pid>/schedstat), the session child's page
faults, and how much of the zygote's heap is on 2 MB pages. Needs root and cpuacct.
"""

import argparse
import os
import shutil
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.normpath(os.path.join(HERE, "../../lib/exec/python"))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "../../test/python")))

import testing_zygote  # noqa: E402
from testing_session import Connection  # noqa: E402

CELLS = {
    "print": "print(1)",
    "png": "import matplotlib.pyplot as plt\nplt.figure(figsize=(2, 1.5), dpi=50)\nplt.plot([1, 2, 3], [1, 4, 9])",
    "none": "pass",
    "sageplot": "plot(sin(x), (x, 0, 2*pi))",  # the sage kernel only
}
CPUACCT = "/sys/fs/cgroup/cpuacct"
# The zygote's environment per kernel: lib/exec/kernels.ts (kernelEnv of PYTHON_KERNEL, SAGE_KERNEL).
KERNEL_ENV = {
    "python": {"CELLAR_KERNEL": "python", "CELLAR_PRELOAD": "numpy,matplotlib,matplotlib.pyplot"},
    "sage": {"CELLAR_KERNEL": "sage", "CELLAR_PRELOAD": "sage.all,sage.interfaces.maxima_lib,matplotlib.pyplot",
             "DOT_SAGE": "/tmp/.sage", "GC_MARKERS": "1", "SAGE_BANNER": "no"},
}


class Variant:
    """One runner directory: its zygote, in a cpuacct group of its own."""

    def __init__(self, runner: str, index: int, kernel: str) -> None:
        self.name = os.path.basename(os.path.normpath(runner)) if runner != RUNNER else "checkout"
        self.group = f"{CPUACCT}/cellar-sandbox-cpu-{os.getpid()}-{index}"
        os.mkdir(self.group)
        # The zygote is started from inside the group, so it and every session it clones count.
        _move(os.getpid(), self.group)
        testing_zygote.KERNEL_DIR = runner
        try:
            self.zygote = testing_zygote.Zygote(KERNEL_ENV[kernel])
        finally:
            testing_zygote.KERNEL_DIR = RUNNER
            _move(os.getpid(), CPUACCT)
        self.pid = self.zygote.ready["pid"]
        self.rounds, self.zygote_ms, self.faults = [], [], []
        self.count = 0

    def cpu_ms(self) -> float:
        with open(f"{self.group}/cpuacct.usage") as f:
            return int(f.read()) / 1e6

    def zygote_cpu_ms(self) -> float:
        with open(f"/proc/{self.pid}/schedstat") as f:
            return int(f.read().split()[0]) / 1e6

    def session(self, cell: str) -> int:
        """One session start to end; returns the session child's page faults."""
        self.count += 1
        sid = f"bench-{self.count}"
        listener = self.zygote.prepare(sid, {})
        try:
            reply = self.zygote.request({"op": "spawn", "session": sid, "dir": f"/sessions/{sid}",
                                         "limits": {"cpu_seconds": 30, "file_bytes": 50 << 20}})
            if reply["op"] != "spawned":
                raise RuntimeError(f"spawn failed: {reply}")
            listener.settimeout(10)
            conn = Connection(listener.accept()[0])
            conn.sock.settimeout(None)
            conn.read()  # hello
            conn.send({"op": "go"})
            msgs = conn.execute(cell)
            if any(m.get("msg_type") == "error" for m in msgs):
                raise RuntimeError(f"the cell failed: {msgs}")
            pid = reply["pid"]
            with open(f"/proc/{pid}/stat") as f:
                faults = int(f.read().rsplit(")", 1)[1].split()[7])
            conn.close()
            while os.path.exists(f"/proc/{pid}"):  # the exit is part of the cost
                time.sleep(0.0003)
        finally:
            listener.close()
            self.zygote.listeners.remove(listener)
            shutil.rmtree(os.path.join(self.zygote.exec_dir, "sessions", sid), ignore_errors=True)
        return faults

    def close(self) -> str:
        with open(f"/proc/{self.pid}/smaps_rollup") as f:
            huge = next(line.split()[1] for line in f if line.startswith("AnonHugePages"))
        self.zygote.close()
        os.rmdir(self.group)
        return huge


def _move(pid: int, group: str) -> None:
    with open(f"{group}/cgroup.procs", "w") as f:
        f.write(str(pid))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kernel", choices=sorted(KERNEL_ENV), default="python")
    parser.add_argument("--cell", choices=sorted(CELLS), default="print")
    parser.add_argument("--sessions", type=int, default=30, help="sessions per round")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("dirs", nargs="*", default=[RUNNER])
    args = parser.parse_args()
    why = testing_zygote.missing_requirements() or ("" if os.path.exists(f"{CPUACCT}/cpuacct.usage") else "no cgroup v1 cpuacct")
    if why:
        sys.exit(f"sandbox_cpu: {why}")
    variants = []
    try:
        for i, d in enumerate(args.dirs):
            variants.append(Variant(os.path.abspath(d), i, args.kernel))
        cell = CELLS[args.cell]
        for v in variants:
            for _ in range(3):  # first spawns split the zygote's hot huge pages: not counted
                v.session(cell)
        for r in range(args.rounds):
            for v in variants if r % 2 == 0 else variants[::-1]:
                cpu, zygote = v.cpu_ms(), v.zygote_cpu_ms()
                faults = [v.session(cell) for _ in range(args.sessions)]
                v.rounds.append((v.cpu_ms() - cpu) / args.sessions)
                v.zygote_ms.append((v.zygote_cpu_ms() - zygote) / args.sessions)
                v.faults.append(statistics.median(faults))
        print(f"sandbox CPU per session, {args.kernel} kernel, {args.cell} cell, {args.rounds} rounds of {args.sessions} (median; rounds in brackets)")
        for v in variants:
            rounds = " ".join(f"{x:.2f}" for x in v.rounds)
            print(f"  {v.name:>16}: {statistics.median(v.rounds):6.2f} ms [{rounds}]  zygote {statistics.median(v.zygote_ms):.2f} ms"
                  f"  session child {statistics.median(v.faults):.0f} page faults", end="")
            print(f"  zygote heap on 2 MB pages {v.close()} kB")
        variants.clear()
    finally:
        for v in variants:
            v.close()


if __name__ == "__main__":
    main()
