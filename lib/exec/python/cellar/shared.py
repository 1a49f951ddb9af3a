"""Values that outlive a session: `shared`, pre-imported in cells (DsageNg's `shared.m`).

    shared["best"] = {"score": 12, "by": "ada"}
    shared["best"]["score"]          # every run of this snippet sees the same values
    shared["grid"] = numpy.zeros((3, 3))
    "best" in shared, list(shared), shared.get("x", 0), del shared["best"]
    shared.revision("best")          # grows with every write of the key
    for change in shared.watch("best"):   # in a cell: wait for another reader's write
        print(change.value)

A value is JSON (dict with str keys, list, tuple, str, int, float, bool, None) or a numpy
array, at most 1 MB as JSON, 100 keys per snippet, keys of 1-128 letters, digits, '_', '-',
'.'. Arrays travel as {"__ndarray__": {"dtype", "shape", "data": base64 of the raw
little-endian bytes}}; nothing is pickled. Values are copies: change a value, then assign it
again to store the change. In a fork, keys it does not have read from the snippet it was
forked from, read-only.

In a cell, `shared.watch(key)` is an iterator that the cell's main thread reads (each `next`
waits for the next change); the callback form `watch(key, callback)` needs a `call` usable from a
background thread, which the kernel's is not (service requests go from the cell's main thread,
while the cell runs), so in a cell it raises RuntimeError saying to use the iterator.

The class talks to the site through one function, `call(op, payload) -> reply`, which the
kernel injects (cellar/__init__.py: service requests "shared.<op>"): ops "get" {key}, "set" {key, value}, "delete" {key}, "keys" {}, "wait" {key,
after, timeout_ms}; replies are the dicts lib/shared/handle-shared-request.ts returns
(docs/exec.md, "Shared values").
"""

import base64
import json
import sys
import threading
from collections import namedtuple
from collections.abc import MutableMapping

__all__ = ["Shared", "Change", "MAX_VALUE_BYTES"]

MAX_VALUE_BYTES = 1024 * 1024
MAX_DEPTH = 64
WAIT_MS = 30_000
ENVELOPE = "__ndarray__"
DTYPES = (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
)  # fmt: skip

# A change watch reports: the key's new value (None and deleted=True when it was deleted).
Change = namedtuple("Change", ["key", "value", "revision", "deleted", "read_only"])

_ERRORS = {
    "FORBIDDEN": PermissionError,
    "UNAUTHORIZED": PermissionError,
    "TOO_LARGE": ValueError,
    "INVALID": ValueError,
    "NOT_FOUND": LookupError,
    "UNAVAILABLE": ConnectionError,
    "RATE_LIMITED": ConnectionError,
}


class Shared(MutableMapping):
    """The snippet's shared values as a mapping; see the module's documentation."""

    def __init__(self, call, callbacks=True):
        """`call(op, payload) -> reply`; `callbacks`: whether `call` may be used from a
        background thread (watch(key, callback)); the kernel's may not."""
        self._call = call
        self._callbacks = callbacks

    # -- the mapping ---------------------------------------------------------------------

    def __getitem__(self, key):
        reply = self._get(key)
        if not reply.get("found"):
            raise KeyError(key)
        return _from_json(reply.get("value"))

    def __setitem__(self, key, value):
        _check_key(key)
        self._request("set", {"key": key, "value": to_json(value)})

    def __delitem__(self, key):
        _check_key(key)
        if not self._request("delete", {"key": key}).get("deleted"):
            raise KeyError(key)

    def __contains__(self, key):
        try:
            _check_key(key)
        except (TypeError, KeyError):
            return False  # a key that cannot exist is simply not there
        return bool(self._get(key).get("found"))

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self._request("keys", {}).get("keys", []))

    def keys(self):
        """The keys, sorted (in a fork: its own and its source's)."""
        return [k["key"] for k in self._request("keys", {}).get("keys", [])]

    def get(self, key, default=None):
        reply = self._get(key)
        return _from_json(reply.get("value")) if reply.get("found") else default

    def revision(self, key):
        """The key's revision (it grows with every write), or None when it has no value."""
        reply = self._get(key)
        return reply.get("revision") if reply.get("found") else None

    def __repr__(self):
        return "<shared values: %s>" % ", ".join(repr(k) for k in self.keys())

    # -- watching ------------------------------------------------------------------------

    def watch(self, key, callback=None):
        """Reacts to changes of `key` made after this call, by this session or anyone else.
        With a callback: calls callback(change) from a background thread for each change and
        returns a handle whose stop() ends it. Without: returns an iterator of changes (it
        blocks until the next one; stop() ends it too). A change is a Change(key, value,
        revision, deleted, read_only)."""
        _check_key(key)
        if callback is not None and not self._callbacks:
            raise RuntimeError(
                "shared.watch(key, callback) is not available in a cell: a cell asks the service for"
                " shared values from its main thread only, while it runs. Iterate instead, inside the"
                " cell: `for change in shared.watch(%r): ...` (each step waits for the next change)." % key
            )
        if callback is not None and not callable(callback):
            raise TypeError("watch(key, callback): callback must be callable")
        watcher = _Watch(self, key)
        if callback is None:
            return watcher
        watcher.start_thread(callback)
        return watcher

    # -- plumbing ------------------------------------------------------------------------

    def _get(self, key):
        _check_key(key)
        return self._request("get", {"key": key})

    def _request(self, op, payload):
        reply = self._call(op, payload)
        if not isinstance(reply, dict):
            raise RuntimeError("shared: the site sent no answer")
        if reply.get("ok"):
            return reply
        error = reply.get("error") or {}
        message = error.get("message") or "shared: the request was refused"
        raise _ERRORS.get(error.get("code"), RuntimeError)(message)


class _Watch:
    """Long-polls the site ("wait") for the next revision of one key."""

    def __init__(self, shared, key):
        self._shared = shared
        self._key = key
        self._stopped = threading.Event()
        self._thread = None
        self._after = shared.revision(key)

    def __iter__(self):
        return self

    def __next__(self):
        while not self._stopped.is_set():
            reply = self._shared._request(
                "wait", {"key": self._key, "after": self._after, "timeout_ms": WAIT_MS}
            )
            if self._stopped.is_set():
                break
            if reply.get("changed"):
                found = bool(reply.get("found"))
                self._after = reply.get("revision") if found else None
                return Change(
                    self._key,
                    _from_json(reply.get("value")) if found else None,
                    self._after,
                    not found,
                    bool(reply.get("readOnly")),
                )
        raise StopIteration

    def start_thread(self, callback):
        def run():
            for change in self:
                try:
                    callback(change)
                except Exception:  # the watch goes on; the error shows like any other
                    sys.excepthook(*sys.exc_info())

        self._thread = threading.Thread(target=run, name="shared.watch(%r)" % self._key, daemon=True)
        self._thread.start()

    def stop(self):
        """Ends the watch (within one wait: at most 30 s; the thread is a daemon)."""
        self._stopped.set()

    def __repr__(self):
        return "<shared.watch(%r)%s>" % (self._key, " stopped" if self._stopped.is_set() else "")


def _check_key(key):
    if not isinstance(key, str):
        raise TypeError("shared keys are strings, not %s" % type(key).__name__)
    if not 1 <= len(key) <= 128 or not all(c.isascii() and (c.isalnum() or c in "_-.") for c in key):
        raise KeyError("shared keys are 1 to 128 letters, digits, '_', '-' or '.': %r" % key)


def to_json(value):
    """The JSON form of a value (numpy arrays as envelopes), checked before anything is sent:
    TypeError for what JSON cannot hold, ValueError for what is too large."""
    out = _to_json(value, 0, "value")
    text = json.dumps(out, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    size = len(text.encode("utf-8"))
    if size > MAX_VALUE_BYTES:
        raise ValueError("a shared value is at most 1 MB as JSON; this one is %.1f MB" % (size / 1048576))
    return out


def _to_json(value, depth, where):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("%s is %r; JSON has no NaN or infinity" % (where, value))
        return float(value)
    if depth >= MAX_DEPTH:
        raise ValueError("a shared value nests at most %d lists or dicts deep" % MAX_DEPTH)
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(value, np.ndarray):
            return _envelope(np, value, where)
        if isinstance(value, np.generic):
            return _to_json(value.item(), depth, where)
    if isinstance(value, dict):
        if ENVELOPE in value:
            raise TypeError("%s: %r is reserved for numpy arrays" % (where, ENVELOPE))
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError("%s: shared dicts have str keys (JSON), not %s" % (where, type(k).__name__))
            out[k] = _to_json(v, depth + 1, "%s[%r]" % (where, k))
        return out
    if isinstance(value, (list, tuple)):
        return [_to_json(v, depth + 1, "%s[%d]" % (where, i)) for i, v in enumerate(value)]
    raise TypeError(
        "%s is a %s: shared values are JSON (dict, list, str, int, float, bool, None) or numpy arrays"
        % (where, type(value).__name__)
    )


def _envelope(np, array, where):
    name = array.dtype.name
    if name not in DTYPES:
        raise TypeError("%s: a shared numpy array has a numeric or bool dtype, not %s" % (where, name))
    little = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    data = base64.b64encode(little.tobytes()).decode("ascii")
    return {ENVELOPE: {"dtype": name, "shape": list(array.shape), "data": data}}


def _from_json(value):
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    if isinstance(value, dict):
        body = value.get(ENVELOPE)
        if len(value) == 1 and isinstance(body, dict):
            return _array(body)
        return {k: _from_json(v) for k, v in value.items()}
    return value


def _array(body):
    import numpy as np

    dtype = np.dtype(body["dtype"]).newbyteorder("<")
    raw = base64.b64decode(body["data"])
    return np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="), copy=True).reshape(body["shape"])
