"""scatter/gather: run a function over many tasks in worker sandboxes (docs/exec.md,
"Scatter/gather").

    job = scatter(f, [1, 2, 3])                    # plain single arguments
    job = scatter(f, [((1, 2), {"k": 3}), ...])    # (args, kwargs) tuples
    job.poll()        # {index: value} of the tasks finished so far, at once (a failed task's value is its TaskError)
    job.progress      # (finished, failed, total)
    job.cpu_seconds   # CPU time its workers used (the job's budget counts it)
    job.done          # every task finished (or the job was cancelled)
    job.wait()        # all values in task order; TasksFailed names the failed tasks
    gather(job)       # job.wait()
    job.cancel()

`f` and the tasks travel pickled with cloudpickle (a function defined in a cell travels by
value; one imported from the snippet's files by reference: the workers have the same files),
and are unpickled only inside sandboxes: the service passes the bytes through untouched.
Outside a Cellar session the tasks run here, one after another."""

import base64
import pickle
import time

__all__ = ["scatter", "gather", "Job", "TaskError", "TasksFailed", "JobCancelled"]

# What one request carries at most of pickled tasks (several requests for more).
CHUNK_BYTES = 2 << 20
# The longest one poll waits at the service for a result.
POLL_WAIT_SECONDS = 2.0


class TaskError(Exception):
    """One task's exception, as the worker saw it: `index`, `ename`, `evalue` and `traceback`
    (the lines of its formatted traceback)."""

    def __init__(self, index: int, ename: str, evalue: str, traceback: list) -> None:
        super().__init__(f"task {index}: {ename}: {evalue}")
        self.index, self.ename, self.evalue, self.traceback = index, ename, evalue, list(traceback)

    def traceback_text(self) -> str:
        return "\n".join(self.traceback) if self.traceback else f"{self.ename}: {self.evalue}"


class TasksFailed(Exception):
    """Raised by wait() when tasks failed; `errors` maps each failed task's index to its
    TaskError, `results` holds the values of the others ({index: value})."""

    def __init__(self, errors: dict, results: dict, total: int) -> None:
        self.errors, self.results = dict(sorted(errors.items())), results
        shown = list(self.errors.values())[:5]
        parts = [f"{len(errors)} of {total} tasks failed: " + ", ".join(str(i) for i in list(self.errors)[:20])
                 + (", ..." if len(errors) > 20 else "")]
        for e in shown:
            parts.append(f"--- task {e.index} ---\n{e.traceback_text()}")
        if len(errors) > len(shown):
            parts.append(f"(and {len(errors) - len(shown)} more: see .errors)")
        super().__init__("\n".join(parts))


class JobCancelled(Exception):
    """Raised by wait() on a job that was cancelled (or stopped by the service) before every
    task finished."""


def _request(op: str, content: dict, timeout: float = 60.0) -> dict:
    from cellar_kernel import requests

    return requests.request(op, content, timeout, retry=True)  # paced by the session's request rate


def _normalize(task):
    """(args, kwargs) of a task: an (args, kwargs) pair as given (args a tuple or list, kwargs
    a dict), any other value a single positional argument."""
    if isinstance(task, tuple) and len(task) == 2 and isinstance(task[0], (tuple, list)) and isinstance(task[1], dict):
        return tuple(task[0]), dict(task[1])
    return (task,), {}


def _dumps(obj) -> bytes:
    import cloudpickle

    return cloudpickle.dumps(obj, protocol=pickle.DEFAULT_PROTOCOL)


class Job:
    """A scatter job: its tasks run in worker sandboxes while the cell goes on."""

    def __init__(self, job_id: str, total: int, request=None) -> None:
        self.id = job_id
        self.total = total
        self._request = request or _request
        self._values = {}
        self._errors = {}
        self._received = 0
        self._state = "running"
        self._service_done = 0
        self._service_failed = 0
        self._reason = ""
        self._cpu = 0.0

    def _take(self, reply: dict) -> None:
        for r in reply.get("results", []):
            index = r["index"]
            if r.get("ok"):
                self._values[index] = pickle.loads(base64.b64decode(r["value"]))
            else:
                self._errors[index] = TaskError(index, r.get("ename", "Error"), r.get("evalue", ""), r.get("traceback", []))
            self._received += 1
        self._state = reply.get("state", self._state)
        self._reason = reply.get("reason") or self._reason
        self._cpu = reply.get("cpu_seconds", self._cpu)
        self._service_done = reply.get("done", self._service_done)
        self._service_failed = reply.get("failed", self._service_failed)

    def _finished(self) -> bool:
        return self._state != "running" and self._received >= self._service_done

    def _fetch(self, wait: float) -> None:
        if self._finished():
            return
        self._take(self._request("scatter.poll", {"job": self.id, "after": self._received, "wait": wait},
                                 timeout=wait + 30))

    def poll(self) -> dict:
        """{index: value} of the tasks finished so far, without waiting (a failed task's value
        is its TaskError, not raised)."""
        self._fetch(0.0)
        return {**self._values, **self._errors}

    @property
    def progress(self) -> tuple:
        """(finished, failed, total): tasks finished (failed ones included), failed, all."""
        self._fetch(0.0)
        return (max(self._service_done, self._received), max(self._service_failed, len(self._errors)), self.total)

    @property
    def cpu_seconds(self) -> float:
        """The CPU time the job's workers have used so far (running tasks' batches included), as
        the service last said: what counts against its CPU budget."""
        return self._cpu

    @property
    def done(self) -> bool:
        """Whether every task has finished (or the job was cancelled)."""
        self._fetch(0.0)
        return self._finished()

    def wait(self, timeout=None) -> list:
        """Waits for every task and returns their values in task order. TasksFailed names the
        tasks that raised (each TaskError with its traceback); TimeoutError after `timeout`
        seconds; JobCancelled for a cancelled job."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._finished():
            wait = POLL_WAIT_SECONDS
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"scatter job {self.id}: {len(self._values) + len(self._errors)} of "
                                       f"{self.total} tasks finished after {timeout:g} s")
                wait = min(wait, left)
            self._fetch(wait)
        if self._state != "done":
            why = f" ({self._reason})" if self._reason and self._reason != self._state else ""
            raise JobCancelled(f"scatter job {self.id} was {self._state}{why}: "
                               f"{len(self._values) + len(self._errors)} of {self.total} tasks finished")
        if self._errors:
            raise TasksFailed(self._errors, dict(self._values), self.total)
        return [self._values[i] for i in range(self.total)]

    def cancel(self) -> None:
        """Stops the job: tasks not started never run, running ones are stopped."""
        if self._finished():
            return
        self._take(self._request("scatter.cancel", {"job": self.id}))

    def __repr__(self) -> str:
        finished, failed, total = (len(self._values) + len(self._errors), len(self._errors), self.total)
        return f"<scatter job {self.id}: {finished} / {total} tasks, {failed} failed, {self._state}>"


class _LocalJob(Job):
    """Outside a session: the tasks ran here already."""

    def __init__(self, values: dict, errors: dict, total: int) -> None:
        super().__init__("local", total, request=lambda *a, **k: {})
        self._values, self._errors = values, errors
        self._received = self._service_done = total
        self._service_failed = len(errors)
        self._state = "done"


def _run_locally(f, tasks: list) -> Job:
    from cellar_kernel.tracebacks import format_error

    values, errors = {}, {}
    for i, (args, kwargs) in enumerate(tasks):
        try:
            values[i] = f(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 — reported per task
            err = format_error(e)
            errors[i] = TaskError(i, err["ename"], err["evalue"], err["traceback"])
    return _LocalJob(values, errors, len(tasks))


def _sources(f) -> dict:
    """The text of the cells `f` was defined in (linecache's, by file name), so that a task's
    traceback in the worker shows their lines as the cell's own would."""
    import linecache

    code = getattr(f, "__code__", None) or getattr(getattr(f, "__call__", None), "__code__", None)
    name = getattr(code, "co_filename", None)
    if not isinstance(name, str) or not name.startswith("<"):
        return {}  # a file: the workers have the snippet's files
    entry = linecache.cache.get(name)
    return {name: entry} if entry and sum(len(x) for x in entry[2]) <= 1 << 20 else {}


def scatter(f, tasks) -> Job:
    """Runs `f` over `tasks` in worker sandboxes and returns the Job at once. Each task is an
    `(args, kwargs)` pair or a single argument."""
    if not callable(f):
        raise TypeError(f"scatter: f must be callable, got {type(f).__name__}")
    tasks = [_normalize(t) for t in tasks]
    from cellar_kernel import requests

    if requests.client is None:
        return _run_locally(f, tasks)
    fn = base64.b64encode(_dumps({"f": f, "sources": _sources(f)})).decode("ascii")
    if len(fn) > CHUNK_BYTES:
        raise ValueError(f"scatter: the function is {len(fn)} bytes pickled (base64), more than {CHUNK_BYTES}")
    pickled = []
    for i, task in enumerate(tasks):
        data = base64.b64encode(_dumps(task)).decode("ascii")
        if len(data) > CHUNK_BYTES:
            raise ValueError(f"scatter: task {i}'s arguments are {len(data)} bytes pickled (base64), more than {CHUNK_BYTES}")
        pickled.append(data)
    job_id = _request("scatter.create", {"fn": fn, "total": len(tasks)})["job"]
    try:
        chunk, size = [], 0
        for data in pickled:
            if chunk and size + len(data) > CHUNK_BYTES:
                _request("scatter.add", {"job": job_id, "tasks": chunk})
                chunk, size = [], 0
            chunk.append(data)
            size += len(data) + 3
        _request("scatter.add", {"job": job_id, "tasks": chunk, "last": True})
    except BaseException:
        try:
            _request("scatter.cancel", {"job": job_id})
        except Exception:  # noqa: BLE001 — the first error is the one to show
            pass
        raise
    return Job(job_id, len(tasks))


def gather(job: Job, timeout=None) -> list:
    """job.wait(timeout): every task's value in task order."""
    return job.wait(timeout)
