"""Runs cells in one persistent namespace and reports them as Jupyter messages
(docs/exec.md section 2): busy, streams, rich output, result or error, execute_reply, idle.
Interact updates are answered the same way, their messages tagged with the interact's id."""

import ast
import builtins
import linecache
import math
import os
import resource
import signal
import sys
import types

# Private references, taken before any cell runs: a cell that replaces cellar.interact.update
# changes only its own calls.
from cellar import _displays_itself
from cellar.interact import InteractGone
from cellar.interact import update as update_interact

from . import complete, figures, sage_kernel
from .displays import mime_bundle
from .gate import CpuLimitExceeded
from .tracebacks import format_error

# The wall clock of one completion or help request (docs/exec.md, "Completion and help").
QUERY_SECONDS = 2.0


class QueryTimeout(BaseException):
    """Raised by SIGALRM in a completion or help request that took too long (an object's
    __dir__ or __repr__ that loops)."""


class _Discard:
    """sys.stdout and sys.stderr while a query runs: what an object's __dir__ prints goes nowhere."""

    encoding = "utf-8"

    def write(self, text) -> int:
        return len(text) if isinstance(text, str) else 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def new_main_namespace(preimported: dict) -> dict:
    """A fresh `__main__` module (so pickling and `if __name__ == "__main__"` work) with the
    `preimported` names; it replaces the runner's own `__main__` in sys.modules."""
    module = types.ModuleType("__main__")
    module.__dict__.update({"__builtins__": builtins, **preimported})
    sys.modules["__main__"] = module
    return module.__dict__


class Engine:
    """Executes cells one at a time. `channel` sends messages, `pump` owns stdout/stderr,
    `gate` decides when interrupts may raise."""

    def __init__(self, channel, pump, gate, namespace: dict, work_dir: str = "/work") -> None:
        self._work_dir = work_dir
        self._channel = channel
        self._pump = pump
        self._gate = gate
        self._ns = namespace
        self.execution_count = 0
        # The sage kernel preparses cells and `.sage` files and shows values the way Sage does.
        self._sage = sage_kernel.active()
        # Each cell starts with the session's streams, whatever the previous one did to sys.
        self._streams = (sys.stdout, sys.stderr)

    def publish(self, data: dict, metadata: dict) -> None:
        """Sends a display_data bundle after the text printed before it."""
        self._pump.flush()
        self._channel.send("display_data", {"data": data, "metadata": metadata})

    def _begin(self, msg_id: str, cpu_seconds: float) -> None:
        """Starts a request: busy, the session's streams and fds back, the CPU limit raised."""
        channel = self._channel
        channel.parent = msg_id
        channel.tags.clear()  # whatever an interrupted request left
        figures.keep_on_show = frozenset()
        channel.send("status", {"execution_state": "busy"})
        sys.stdout, sys.stderr = self._streams
        self._pump.restore_fds()
        self._raise_cpu_limit(cpu_seconds)
        self._invalidate_work_finders()  # files written by earlier cells are importable

    def execute(self, msg_id: str, code: str, filename, cpu_seconds: float) -> str:
        """Runs one cell; returns the execute_reply status ("ok" | "error" | "aborted")."""
        channel = self._channel
        self.execution_count += 1
        count = self.execution_count
        self._begin(msg_id, cpu_seconds)
        name = filename or f"<cell {count}>"
        # Tracebacks read the user's own text, whatever the preparser made of it (line for line).
        linecache.cache[name] = (len(code), None, code.splitlines(True), name)
        status, error = "ok", None
        try:
            self._gate.in_user = True
            try:
                source, interactive = code, filename is None
                if not self._sage and filename is None and "?" in code:
                    source = _with_help_lines(code, name)
                if self._sage and (filename is None or filename.endswith(".sage")):
                    source = sage_kernel.preparse(code, name)
                    # A .sage snippet is read as SageMathCell reads its cell: a plot on its
                    # last line is shown without show().
                    interactive = True
                value = self._run(source, name, interactive=interactive, filename=filename)
                if value is not None and _displays_itself(value):
                    self._ns["_"] = value
                    value._cellar_display_()  # an ipywidgets interactive shows its controls
                elif value is not None:
                    self._ns["_"] = value
                    data = self._bundle(value)
                    self._pump.flush()
                    channel.send("execute_result", {"execution_count": count, "data": data, "metadata": {}})
                figures.flush_figures()
            finally:
                self._gate.in_user = False
        except BaseException as e:  # noqa: BLE001 — every way a cell can end is reported
            self._gate.in_user = False
            status, error = self._classify(e)
            self._close_figures()
        return self._end(status, error, count)

    def query(self, op: str, msg_id: str, code: str, cursor: int, detail: int) -> None:
        """Answers a complete or inspect request (Jupyter's complete_reply / inspect_reply
        content) from the namespace, between cells. Within QUERY_SECONDS of wall time (SIGALRM;
        an empty answer past it), printing nothing: the relay passes on only the reply."""
        channel = self._channel
        channel.parent = msg_id
        channel.tags.clear()
        streams = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = _Discard()
        handler = signal.signal(signal.SIGALRM, self._on_alarm)
        timer = signal.setitimer(signal.ITIMER_REAL, QUERY_SECONDS)
        content = ({"status": "ok", "matches": [], "cursor_start": cursor, "cursor_end": cursor, "metadata": {}}
                   if op == "complete" else {"status": "ok", "found": False, "data": {}, "metadata": {}})
        try:
            try:
                self._alarm_armed = True
                if op == "complete":
                    content = complete.complete(code, cursor, self._ns, self._work_dir)
                else:
                    content = complete.inspect_code(code, cursor, self._ns, detail, self._sage)
            finally:
                self._alarm_armed = False
                signal.setitimer(signal.ITIMER_REAL, 0)
        except BaseException:  # noqa: BLE001 — the time limit, or an object that broke: an empty answer
            pass
        signal.signal(signal.SIGALRM, handler)
        if timer[0] > 0:  # a cell's own alarm goes on
            signal.setitimer(signal.ITIMER_REAL, *timer)
        sys.stdout, sys.stderr = streams
        self._pump.sync()  # what C code printed meanwhile goes out now, under this request (dropped)
        channel.send(f"{op}_reply", content)

    _alarm_armed = False

    def _on_alarm(self, signum, frame) -> None:
        if self._alarm_armed:
            raise QueryTimeout(f"no answer within {QUERY_SECONDS:g} s")

    def _end(self, status: str, error, count, tag=None) -> str:
        """Ends a cell or an update: its output sent, then (error,) execute_reply and idle in one
        write; the error carries the interact's id when an update's own run did not report it."""
        self._gate.clear()
        self._pump.sync()
        self._channel.tags.clear()
        ending = [("error", error, tag)] if error is not None else []
        ending += [("execute_reply", {"status": status, "execution_count": count}),
                   ("status", {"execution_state": "idle"})]
        self._channel.send_many(ending)
        return status

    def update_interact(self, msg_id: str, interact_id, values, cpu_seconds: float) -> str:
        """Re-runs an interact with the page's values (an `interact` request), answered like a
        cell: every message up to the error carries the interact's id, the reply has no
        execution_count (updates do not count). Returns the reply's status."""
        channel = self._channel
        self._begin(msg_id, cpu_seconds)
        tag = interact_id if isinstance(interact_id, str) else None
        if tag is not None:
            channel.tags.append(tag)  # what the interact's own run does not cover is its too
        status, error = "ok", None
        try:
            self._gate.in_user = True
            try:
                if not update_interact(interact_id, values):
                    status = "error"
            finally:
                self._gate.in_user = False
        except InteractGone as e:
            status, error = "error", {"ename": "InteractGone", "evalue": str(e), "traceback": [f"InteractGone: {e}"]}
        except BaseException as e:  # noqa: BLE001 — interrupt, CPU limit, SystemExit
            self._gate.in_user = False
            status, error = self._classify(e)
            self._close_figures()
        return self._end(status, error, None, tag)

    def run_interact(self, interact_id: str, call) -> bool:
        """One run of an interact's function (`call`), under the interact's tag: streams are
        flushed at both ends so text lands in the right interact, figures the run left open are
        shown inside the tag, and an exception becomes the interact's `error` (returns False).
        Interrupts and the CPU limit go on up to the cell or update."""
        channel, pump = self._channel, self._pump
        before, outer_keep = figures.open_figures(), figures.keep_on_show
        with self._gate.critical():
            pump.sync()
            channel.tags.append(interact_id)
            figures.keep_on_show = before
        try:
            try:
                call()
            except Exception as e:  # noqa: BLE001 — the user's error, shown in place
                self._close_figures(before)
                pump.sync()
                channel.send("error", format_error(e, self._work_dir))
                return False
            figures.flush_figures(before)
            return True
        finally:
            with self._gate.critical():
                pump.sync()
                figures.keep_on_show = outer_keep
                if channel.tags:
                    channel.tags.pop()

    def _invalidate_work_finders(self) -> None:
        """Forgets what the import system cached about the working directory (and folders under
        it), where earlier cells may have written modules. Only those finders: importlib's
        invalidate_caches() visits every finder of every path, ten times the cost."""
        prefix = self._work_dir.rstrip("/") + "/"
        for path, finder in list(sys.path_importer_cache.items()):
            if finder is not None and (path == self._work_dir or path.startswith(prefix)):
                invalidate = getattr(finder, "invalidate_caches", None)
                if invalidate is not None:
                    invalidate()

    def _bundle(self, value) -> dict:
        """A cell's last value as a mime bundle: Sage's display for Sage objects in the sage
        kernel (a plot is a picture, `%display latex` typesets), else IPython's conventions."""
        if self._sage and sage_kernel.shows_through_sage(value):
            return sage_kernel.bundle_of(value)
        return mime_bundle(value, sys.stderr.write)

    def _run(self, code: str, name: str, interactive: bool, filename):
        ns = self._ns
        if filename is not None:
            ns["__file__"] = os.path.join(self._work_dir, filename)
            sys.argv[:] = [filename]
        tree = ast.parse(code, name, "exec")
        last = None
        # Like IPython: the last expression's value is shown unless the cell ends with ";".
        if interactive and tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
            if code.rstrip().endswith(";"):  # the preparser keeps a cell's last ";"
                tree.body.append(ast.Expr(last.body))
                ast.fix_missing_locations(tree)
                last = None
        exec(compile(tree, name, "exec"), ns)
        if last is not None:
            return eval(compile(last, name, "eval"), ns)
        return None

    def _classify(self, e: BaseException):
        if isinstance(e, SystemExit):
            code = e.code
            if code is None or code == 0:
                return "ok", None  # sys.exit() ends the cell quietly, not the session
            return "error", {"ename": "SystemExit", "evalue": str(code), "traceback": [f"SystemExit: {code}"]}
        if isinstance(e, KeyboardInterrupt):
            return "aborted", format_error(e, self._work_dir)
        if isinstance(e, CpuLimitExceeded):
            return "error", format_error(e, self._work_dir, "LimitExceeded")
        return "error", format_error(e, self._work_dir)

    def _close_figures(self, keep: frozenset = frozenset()) -> None:
        # A failed cell still shows what it drew, as Jupyter does; a broken figure is dropped.
        try:
            figures.flush_figures(keep)
        except BaseException:  # noqa: BLE001
            pyplot = sys.modules.get("matplotlib.pyplot")
            if pyplot is not None:
                for manager in figures.open_figures() - keep:
                    pyplot.close(manager.canvas.figure)

    def _raise_cpu_limit(self, cpu_seconds: float) -> None:
        """RLIMIT_CPU counts the whole process: this cell may use `cpu_seconds` more than the
        process has used so far (SIGXCPU then), up to the hard limit set at spawn (SIGKILL)."""
        self._gate.cpu_seconds = cpu_seconds
        usage = resource.getrusage(resource.RUSAGE_SELF)
        soft = math.ceil(usage.ru_utime + usage.ru_stime + cpu_seconds)
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _with_help_lines(code: str, name: str) -> str:
    """A Python cell with `name?` / `name??` lines (IPython's help syntax) made help calls, when
    it does not parse as it is; otherwise the cell itself."""
    try:
        ast.parse(code, name, "exec")
        return code
    except SyntaxError:
        pass
    return complete.help_lines(code) or code
