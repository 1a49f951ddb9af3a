"""cellar.shared.Shared on its own: a fake `call` backed by a dict stands in for the site
(lib/shared/handle-shared-request.ts), answering as it does. This checks the Python class only
(mapping behaviour, the numpy envelope, refusals before anything is sent, errors mapped from the
site's codes, watch); the real path through a session is tested once the kernel injects `call`."""

import cellar_path  # noqa: F401 -- lib/exec/python on sys.path, first
import base64
import json
import threading
import time
import unittest

import numpy as np

from cellar.shared import MAX_VALUE_BYTES, Shared


class FakeSite:
    """Answers like handle-shared-request.ts over a dict, and records every request."""

    def __init__(self):
        self.values = {}  # key -> (json value, revision)
        self.revision = 0
        self.requests = []
        self.refuse = None  # (code, message) to answer every write with
        self.changed = threading.Condition()

    def call(self, op, payload):
        self.requests.append((op, json.loads(json.dumps(payload))))  # what crosses is JSON
        if op in ("set", "delete") and self.refuse:
            return {"ok": False, "error": {"code": self.refuse[0], "message": self.refuse[1]}}
        with self.changed:
            if op == "get":
                return self._value(payload["key"])
            if op == "set":
                self.revision += 1
                self.values[payload["key"]] = (json.loads(json.dumps(payload["value"])), self.revision)
                self.changed.notify_all()
                return {"ok": True, "revision": self.revision}
            if op == "delete":
                deleted = self.values.pop(payload["key"], None) is not None
                self.changed.notify_all()
                return {"ok": True, "deleted": deleted}
            if op == "keys":
                keys = [{"key": k, "kind": "json", "size": 1, "revision": r, "readOnly": False} for k, (_, r) in sorted(self.values.items())]
                return {"ok": True, "keys": keys}
            if op == "wait":
                deadline = time.monotonic() + payload["timeout_ms"] / 1000
                while self._revision_of(payload["key"]) == payload["after"]:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return {"ok": True, "changed": False}
                    self.changed.wait(left)
                return {"ok": True, "changed": True, **self._value(payload["key"])}
        return {"ok": False, "error": {"code": "INVALID", "message": "Bad shared request: op"}}

    def _revision_of(self, key):
        return self.values[key][1] if key in self.values else None

    def _value(self, key):
        if key not in self.values:
            return {"ok": True, "found": False, "key": key}
        value, revision = self.values[key]
        return {"ok": True, "found": True, "key": key, "value": value, "kind": "json", "revision": revision, "readOnly": False}

    def writes(self):
        return [r for r in self.requests if r[0] in ("set", "delete")]


class SharedMappingTest(unittest.TestCase):
    def setUp(self):
        self.site = FakeSite()
        self.shared = Shared(self.site.call)

    def test_set_get_contains_delete_and_keys(self):
        s = self.shared
        s["b"] = {"score": 12, "names": ["ada", "bob"], "ok": True, "none": None}
        s["a"] = (1, 2.5)
        self.assertEqual(s["b"], {"score": 12, "names": ["ada", "bob"], "ok": True, "none": None})
        self.assertEqual(s["a"], [1, 2.5])  # JSON has lists only
        self.assertIn("a", s)
        self.assertNotIn("zzz", s)
        self.assertNotIn(3, s)
        self.assertNotIn("not a key", s)
        self.assertEqual(s.keys(), ["a", "b"])
        self.assertEqual(list(s), ["a", "b"])
        self.assertEqual(len(s), 2)
        self.assertEqual(dict(s.items()), {"a": [1, 2.5], "b": s["b"]})
        self.assertEqual(s.get("missing", 7), 7)
        self.assertIsNone(s.get("missing"))
        del s["a"]
        self.assertNotIn("a", s)
        with self.assertRaises(KeyError):
            s["a"]
        with self.assertRaises(KeyError):
            del s["a"]
        self.assertEqual(s.pop("b")["score"], 12)  # MutableMapping's own methods work on top
        self.assertEqual(len(s), 0)

    def test_revision_grows_with_each_write(self):
        s = self.shared
        self.assertIsNone(s.revision("r"))
        s["r"] = 1
        first = s.revision("r")
        s["r"] = 2
        self.assertGreater(s.revision("r"), first)

    def test_numpy_arrays_round_trip_through_the_documented_envelope(self):
        s = self.shared
        for array in (
            np.array([1.5, 2.5, -3.0]),
            np.arange(12, dtype=np.int32).reshape(3, 4),
            np.array([[True, False]]),
            np.array([1 + 2j], dtype=np.complex128),
            np.arange(6, dtype=">i4"),  # big-endian in memory: sent little-endian
            np.arange(10, dtype=np.uint16)[::2],  # not contiguous
            np.zeros((0, 3)),
        ):
            s["arr"] = array
            sent = self.site.requests[-1][1]["value"]["__ndarray__"]
            self.assertEqual(sent["dtype"], array.dtype.name)
            self.assertEqual(sent["shape"], list(array.shape))
            raw = base64.b64decode(sent["data"])
            self.assertEqual(raw, np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes())
            back = s["arr"]
            self.assertIsInstance(back, np.ndarray)
            self.assertEqual(back.dtype.name, array.dtype.name)
            np.testing.assert_array_equal(back, array)
            back[...] = 0 if back.size else back  # a writable copy

    def test_arrays_and_numpy_scalars_inside_json(self):
        s = self.shared
        s["mix"] = {"grid": np.eye(2), "n": np.int64(3), "x": np.float32(0.5), "items": [np.array([1, 2])]}
        sent = self.site.requests[-1][1]["value"]
        self.assertEqual(sent["n"], 3)
        self.assertEqual(sent["x"], 0.5)
        self.assertIn("__ndarray__", sent["grid"])
        back = s["mix"]
        np.testing.assert_array_equal(back["grid"], np.eye(2))
        np.testing.assert_array_equal(back["items"][0], np.array([1, 2]))

    def test_refuses_what_json_cannot_hold_before_sending(self):
        s = self.shared
        cases = [
            (object(), TypeError, "shared values are JSON"),
            ({1: "int key"}, TypeError, "str keys"),
            ({"s": {1, 2}}, TypeError, r"value\['s'\] is a set"),
            (float("nan"), ValueError, "NaN"),
            ({"__ndarray__": "mine"}, TypeError, "reserved"),
            (np.array(["a", "b"]), TypeError, "dtype"),
            (np.array([object()]), TypeError, "dtype"),
            (b"bytes", TypeError, "bytes"),
        ]
        for value, error, message in cases:
            with self.subTest(value=repr(value)):
                with self.assertRaisesRegex(error, message):
                    s["k"] = value
        deep = []
        for _ in range(100):
            deep = [deep]
        with self.assertRaisesRegex(ValueError, "deep"):
            s["k"] = deep
        with self.assertRaisesRegex(ValueError, "at most 1 MB"):
            s["k"] = "x" * MAX_VALUE_BYTES
        self.assertEqual(self.site.writes(), [])
        s["k"] = "x" * (MAX_VALUE_BYTES - 2)  # the quotes count
        self.assertEqual(len(self.site.writes()), 1)

    def test_refuses_bad_keys_before_sending(self):
        s = self.shared
        with self.assertRaises(TypeError):
            s[1] = 1
        for key in ("", "x" * 129, "a b", "é", "a/b"):
            with self.subTest(key=key):
                with self.assertRaises(KeyError):
                    s[key] = 1
        self.assertEqual(self.site.requests, [])

    def test_the_sites_refusals_become_python_errors(self):
        s = self.shared
        s["k"] = 1
        for code, error in (("FORBIDDEN", PermissionError), ("TOO_LARGE", ValueError), ("INVALID", ValueError), ("UNAVAILABLE", ConnectionError), ("INTERNAL", RuntimeError)):
            self.site.refuse = (code, "refused: %s" % code)
            with self.subTest(code=code):
                with self.assertRaisesRegex(error, "refused: %s" % code):
                    s["k"] = 2
        with self.assertRaisesRegex(PermissionError, "FORBIDDEN"):
            self.site.refuse = ("FORBIDDEN", "refused: FORBIDDEN")
            del s["k"]
        self.site.refuse = None
        self.assertEqual(s["k"], 1)


class SharedWatchTest(unittest.TestCase):
    def setUp(self):
        self.site = FakeSite()
        self.shared = Shared(self.site.call)
        self.other = Shared(self.site.call)  # another reader of the same snippet

    def test_iterator_yields_each_change_made_elsewhere_then_the_deletion(self):
        self.shared["level"] = 1
        changes = self.shared.watch("level")

        def writer():
            time.sleep(0.05)
            self.other["level"] = 2
            time.sleep(0.05)
            del self.other["level"]

        threading.Thread(target=writer).start()
        first = next(changes)
        self.assertEqual((first.key, first.value, first.deleted), ("level", 2, False))
        self.assertEqual(first.revision, 2)
        second = next(changes)
        self.assertEqual((second.value, second.deleted, second.revision), (None, True, None))
        changes.stop()

    def test_a_kernel_style_shared_refuses_the_callback_form_before_asking_anything(self):
        calls = []
        kernel_shared = Shared(lambda op, payload: calls.append(op) or {"ok": True}, callbacks=False)
        with self.assertRaisesRegex(RuntimeError, r"not available in a cell.*for change in shared\.watch\('best'\)"):
            kernel_shared.watch("best", print)
        self.assertEqual(calls, [])

    def test_callback_runs_in_the_background_until_stopped(self):
        seen = []
        got = threading.Event()

        def on_change(change):
            seen.append(change.value)
            if len(seen) == 2:
                got.set()

        handle = self.shared.watch("k", on_change)
        self.other["k"] = {"a": np.array([1.0])}
        time.sleep(0.05)
        self.other["k"] = "second"
        self.assertTrue(got.wait(5))
        np.testing.assert_array_equal(seen[0]["a"], np.array([1.0]))
        self.assertEqual(seen[1], "second")
        handle.stop()
        with self.site.changed:
            self.site.changed.notify_all()  # wakes the pending wait so the thread sees stop()
        self.other["k"] = "after stop"
        handle._thread.join(5)
        self.assertFalse(handle._thread.is_alive())
        self.assertEqual(len(seen), 2)

    def test_watch_needs_a_callable(self):
        with self.assertRaises(TypeError):
            self.shared.watch("k", "not callable")


if __name__ == "__main__":
    unittest.main()
