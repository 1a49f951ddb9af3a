"""A scatter worker (docs/exec.md, "Scatter/gather"): a session of the requesting session's
kernel, with its files, whose cells the service writes. The first cell loads the job's function
(`load`), each later one runs a batch of tasks (`run`); every task's outcome is one
`display_data` with `application/vnd.cellar.task+json`, which the service takes only from its
own worker sessions. Tasks run in order, so when the worker dies the service knows which task
was running: the first of the batch without an outcome.

A batch's outcomes stay under the session's output limit: a result larger than fits alone fails
its task; a batch that would go over ends early, and the service runs the rest elsewhere."""

import base64
import linecache
import pickle
import sys

import cellar

from .engine import _Discard  # what tasks print goes nowhere (it would count against the output limit)
from .tracebacks import format_error

TASK_MIME = "application/vnd.cellar.task+json"
# Room kept in the output limit for the cell's own messages and each outcome's framing.
_MARGIN = 4096

_functions = {}
_publish = None
_budget = 1 << 20


def load(job: str, fn: str, output_bytes: int) -> None:
    """Unpickles job `job`'s function (base64 text); a function that does not unpickle fails
    every task with its error."""
    global _publish, _budget
    _publish = _publish or cellar._publisher
    _budget = max(1024, int(output_bytes * 0.9) - _MARGIN)
    try:
        loaded = pickle.loads(base64.b64decode(fn))
        linecache.cache.update(loaded.get("sources") or {})
        _functions[job] = loaded["f"]
    except Exception as e:  # noqa: BLE001 — said per task
        _functions[job] = e


def _send(content: dict) -> None:
    _publish({TASK_MIME: content}, {})


def run(job: str, items: list) -> None:
    """Runs tasks `items` ([index, base64 pickled (args, kwargs)], ...) of job `job` in order."""
    f = _functions.get(job)
    used = 0
    streams = sys.stdout, sys.stderr
    for index, data in items:
        try:
            if isinstance(f, BaseException):
                raise f
            args, kwargs = pickle.loads(base64.b64decode(data))
            sys.stdout = sys.stderr = _Discard()
            try:
                value = f(*args, **kwargs)
            finally:
                sys.stdout, sys.stderr = streams
            from cellar.jobs import _dumps

            payload = base64.b64encode(_dumps(value)).decode("ascii")
            if len(payload) > _budget:
                raise ValueError(f"the task's result is {len(payload)} bytes pickled (base64), "
                                 f"more than the {_budget} a worker may send at once")
            if used + len(payload) > _budget:
                return  # the rest of the batch runs in another cell
            used += len(payload)
            content = {"job": job, "index": index, "ok": True, "value": payload}
        except Exception as e:  # noqa: BLE001 — the task's own error
            err = format_error(e)
            content = {"job": job, "index": index, "ok": False, **err}
        except BaseException as e:  # an interrupt, the CPU limit, SystemExit: this task failed, the batch stops
            sys.stdout, sys.stderr = streams
            err = format_error(e)
            _send({"job": job, "index": index, "ok": False, **err})
            raise
        _send(content)


def forget(job: str) -> None:
    _functions.pop(job, None)
