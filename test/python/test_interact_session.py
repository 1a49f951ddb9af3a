"""Live interacts end to end: a real runner over a real socket (and in the real sandbox, where
the runner lives at /cellar). A cell defines an interact: its description and tagged first run
arrive; `op: interact` updates re-run it, tagged, without counting as cells (docs/exec.md
section 2 "Interacts")."""

import cellar_path  # noqa: F401 -- lib/exec/python on sys.path, first
import os
import signal
import time
import unittest

from testing_session import LocalSession, of_type
from testing_zygote import Zygote, needs_sandbox

MIME = "application/vnd.cellar.interact+json"
RUNNER_PATHS = ("cellar_kernel", "runner.py", "/cellar/", "cellar/interact.py")


def tag(msg: dict):
    return (msg.get("metadata") or {}).get("interact")


def specs(msgs: list) -> list:
    """(description, tag) of each interact a request's messages created."""
    return [(m["content"]["data"][MIME], tag(m)) for m in msgs
            if m["msg_type"] == "display_data" and MIME in m["content"]["data"]]


def stdout_of(msgs: list, interact_id) -> str:
    """The stdout text tagged with `interact_id` (None: untagged)."""
    return "".join(m["content"]["text"] for m in msgs
                   if m["msg_type"] == "stream" and m["content"]["name"] == "stdout" and tag(m) == interact_id)


def images(msgs: list, interact_id) -> list:
    return [m for m in msgs if m["msg_type"] == "display_data" and "image/png" in m["content"]["data"]
            and tag(m) == interact_id]


class InteractSessionCase:
    """Shared by the local and the sandboxed session; `conn` and `interrupt()` come from the subclass."""

    def cell(self, code: str) -> list:
        return self.conn.execute(code)

    def only_interact(self, msgs: list) -> str:
        found = specs(msgs)
        self.assertEqual(len(found), 1, msgs)
        return found[0][0]["id"]

    def reply(self, msgs: list) -> dict:
        return of_type(msgs, "execute_reply")[0]

    def assert_update_shape(self, msgs: list, interact_id: str, nested: bool = False) -> None:
        """busy, then only messages tagged with the interact (or, when `nested`, with interacts
        its run made), then the untagged reply and idle."""
        self.assertEqual((msgs[0]["msg_type"], msgs[0]["content"], tag(msgs[0])),
                         ("status", {"execution_state": "busy"}, None))
        self.assertEqual([m["msg_type"] for m in msgs[-2:]], ["execute_reply", "status"])
        self.assertEqual([tag(m) for m in msgs[-2:]], [None, None])
        self.assertIsNone(self.reply(msgs)["execution_count"])
        for m in msgs[1:-2]:
            self.assertIsNotNone(tag(m), m)
        if not nested:
            self.assertEqual({tag(m) for m in msgs}, {interact_id, None})

    def test_a_cell_shows_the_interact_and_its_tagged_first_run(self):
        msgs = self.cell("print('before')\n"
                         "@interact\n"
                         "def greet(n=(1, 5), name='Ada'):\n"
                         "    print('hello', name * n)\n"
                         "print('after', greet.__name__)\n")
        displays = [m for m in msgs if m["msg_type"] == "display_data"]
        self.assertEqual(len(displays), 1)
        spec = displays[0]["content"]["data"][MIME]
        self.assertIsNone(tag(displays[0]))  # made by the cell, not inside an interact
        self.assertEqual(displays[0]["content"], {
            "data": {MIME: spec, "text/plain": "Interactive function greet with controls n, name"}, "metadata": {}})
        self.assertEqual({k: spec[k] for k in ("version", "name", "auto_update")}, {"version": 1, "name": "greet", "auto_update": True})
        self.assertEqual(spec["controls"], [
            {"name": "n", "type": "slider", "label": "n", "min": 1, "max": 5, "step": 1, "default": 1, "display_value": True},
            {"name": "name", "type": "input_box", "label": "name", "default": "Ada", "width": None, "height": 1}])
        self.assertEqual(spec["layout"], {"top": [["n"], ["name"]], "bottom": [], "left": [], "right": []})
        self.assertEqual(stdout_of(msgs, None), "before\nafter greet\n")
        self.assertEqual(stdout_of(msgs, spec["id"]), "hello Ada\n")
        order = [(m["msg_type"], tag(m)) for m in msgs if m["msg_type"] in ("stream", "display_data")]
        self.assertEqual(order, [("stream", None), ("display_data", None), ("stream", spec["id"]), ("stream", None)])
        self.assertEqual(self.reply(msgs)["status"], "ok")

    def test_an_update_reruns_it_tagged_without_counting_as_a_cell(self):
        msgs = self.cell("@interact\ndef echo(n=(1, 5), name='Ada'):\n    print('hello', name * n)")
        interact_id = self.only_interact(msgs)
        count = self.reply(msgs)["execution_count"]
        update = self.conn.update(interact_id, {"n": 2, "name": "Bo"})
        self.assert_update_shape(update, interact_id)
        self.assertEqual(stdout_of(update, interact_id), "hello BoBo\n")
        self.assertEqual(self.reply(update), {"status": "ok", "execution_count": None})
        self.assertEqual(self.reply(self.cell("pass"))["execution_count"], count + 1)

    def test_values_from_the_page_are_constrained(self):
        interact_id = self.only_interact(self.cell(
            "@interact\ndef shown(n=(0, 10), pick=['a', 'b', 'c'], on=True):\n    print(repr(n), repr(pick), repr(on))"))
        self.assertEqual(stdout_of(self.conn.update(interact_id, {"n": 42, "pick": 2, "on": False}), interact_id),
                         "10 'c' False\n")
        self.assertEqual(stdout_of(self.conn.update(interact_id, {"n": "x", "pick": -5, "on": "no", "zzz": 1}), interact_id),
                         "10 'a' False\n")

    def test_an_input_box_with_a_non_string_default_evaluates_in_the_users_namespace(self):
        interact_id = self.only_interact(self.cell(
            "base = 10\n@interact\ndef calc(expr=1, text='base'):\n    print(repr(expr), repr(text))"))
        update = self.conn.update(interact_id, {"expr": "base * 2", "text": "base * 2"})
        self.assertEqual(stdout_of(update, interact_id), "20 'base * 2'\n")

    def test_an_error_shows_in_place_and_later_updates_work(self):
        msgs = self.cell("@interact\ndef inverse(x=(0, 4)):\n    print('1/x =', 1 / x)\nprint('cell goes on')")
        interact_id = self.only_interact(msgs)
        count = self.reply(msgs)["execution_count"]
        errors = [m for m in msgs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual((errors[0]["content"]["ename"], tag(errors[0])), ("ZeroDivisionError", interact_id))
        traceback = "\n".join(errors[0]["content"]["traceback"])
        self.assertIn(f'File "<cell {count}>", line 3, in inverse', traceback)
        for path in RUNNER_PATHS:
            self.assertNotIn(path, traceback)
        self.assertEqual(stdout_of(msgs, None), "cell goes on\n")
        self.assertEqual(self.reply(msgs)["status"], "ok")  # the cell itself went on

        self.assertEqual(stdout_of(self.conn.update(interact_id, {"x": 2}), interact_id), "1/x = 0.5\n")
        failed = self.conn.update(interact_id, {"x": 0})
        self.assert_update_shape(failed, interact_id)
        self.assertEqual([e["ename"] for e in of_type(failed, "error")], ["ZeroDivisionError"])
        self.assertEqual(self.reply(failed), {"status": "error", "execution_count": None})
        self.assertEqual(stdout_of(self.conn.update(interact_id, {"x": 4}), interact_id), "1/x = 0.25\n")

    def test_nested_interacts_and_a_rerun_forgets_the_inner_one(self):
        msgs = self.cell("@interact\n"
                         "def outer(n=(1, 3)):\n"
                         "    print('outer', n)\n"
                         "    @interact\n"
                         "    def inner(k=(0, n)):\n"
                         "        print('inner', n, k)\n")
        (outer, outer_tag), (inner, inner_tag) = specs(msgs)
        self.assertEqual((outer["name"], outer_tag, inner["name"], inner_tag), ("outer", None, "inner", outer["id"]))
        self.assertEqual(stdout_of(msgs, outer["id"]), "outer 1\n")
        self.assertEqual(stdout_of(msgs, inner["id"]), "inner 1 0\n")
        self.assertEqual(stdout_of(self.conn.update(inner["id"], {"k": 1}), inner["id"]), "inner 1 1\n")

        rerun = self.conn.update(outer["id"], {"n": 2})
        self.assert_update_shape(rerun, outer["id"], nested=True)
        (new_inner, new_tag), = specs(rerun)
        self.assertEqual(new_tag, outer["id"])
        self.assertNotEqual(new_inner["id"], inner["id"])
        self.assertEqual(new_inner["controls"][0]["max"], 2)
        self.assertEqual(stdout_of(rerun, new_inner["id"]), "inner 2 0\n")

        gone = self.conn.update(inner["id"], {"k": 1})
        self.assertEqual([(e["ename"], tag(m)) for m in gone if m["msg_type"] == "error" for e in [m["content"]]],
                         [("InteractGone", inner["id"])])
        self.assertEqual(self.reply(gone), {"status": "error", "execution_count": None})
        self.assertEqual(stdout_of(self.conn.update(new_inner["id"], {"k": 2}), new_inner["id"]), "inner 2 2\n")

    def test_an_unknown_interact_is_gone(self):
        msgs = self.conn.update("i424242", {})
        error = of_type(msgs, "error")[0]
        self.assertEqual(error, {"ename": "InteractGone",
                                 "evalue": "this interact no longer exists (the cell that made it ran again)",
                                 "traceback": ["InteractGone: this interact no longer exists (the cell that made it ran again)"]})
        self.assertEqual([tag(m) for m in msgs if m["msg_type"] == "error"], ["i424242"])
        self.assertEqual(self.reply(msgs), {"status": "error", "execution_count": None})

    def test_figures_an_interact_draws_are_shown_inside_its_tag(self):
        msgs = self.cell("import matplotlib.pyplot as plt\n"
                         "plt.figure(); plt.plot([0, 1])  # the cell's own figure\n"
                         "@interact\n"
                         "def wave(f=(1, 3)):\n"
                         "    plt.figure(); plt.plot([i * f for i in range(3)])\n"
                         "    print('drawn', f)\n")
        interact_id = self.only_interact(msgs)
        self.assertEqual(len(images(msgs, interact_id)), 1)
        self.assertEqual(len(images(msgs, None)), 1)  # the cell's, at the cell's end
        order = [(m["msg_type"], tag(m)) for m in msgs if m["msg_type"] in ("stream", "display_data")]
        self.assertEqual(order, [("display_data", None), ("stream", interact_id), ("display_data", interact_id),
                                 ("display_data", None)])
        update = self.conn.update(interact_id, {"f": 2})
        self.assert_update_shape(update, interact_id)
        self.assertEqual(len(images(update, interact_id)), 1)
        self.assertEqual(len(of_type(update, "display_data")), 1)
        self.assertEqual(self.cell("import matplotlib.pyplot as plt\nprint(plt.get_fignums())")[1]["content"]["text"], "[]\n")

    def test_show_inside_an_interact_shows_its_own_figures_only(self):
        msgs = self.cell("import matplotlib.pyplot as plt\n"
                         "plt.figure(); plt.plot([0, 1])  # the cell's own figure\n"
                         "@interact\n"
                         "def shown(f=(1, 3)):\n"
                         "    plt.figure(); plt.plot([0, f]); plt.show()\n"
                         "    print('after show')\n")
        interact_id = self.only_interact(msgs)
        order = [(m["msg_type"], tag(m)) for m in msgs if m["msg_type"] in ("stream", "display_data")]
        self.assertEqual(order, [("display_data", None), ("display_data", interact_id), ("stream", interact_id),
                                 ("display_data", None)])

    def test_output_of_subprocesses_lands_in_the_interact(self):
        msgs = self.cell("import subprocess\n"
                         "@interact\n"
                         "def shell(word='hi'):\n"
                         "    subprocess.run(['echo', word])\n"
                         "print('cell')\n")
        interact_id = self.only_interact(msgs)
        self.assertEqual((stdout_of(msgs, interact_id), stdout_of(msgs, None)), ("hi\n", "cell\n"))
        self.assertEqual(stdout_of(self.conn.update(interact_id, {"word": "yo"}), interact_id), "yo\n")

    def test_an_interrupted_update_stops_tagged_and_the_next_one_runs(self):
        interact_id = self.only_interact(self.cell(
            "import time\n@interact\ndef slow(s=(0, 30)):\n    print('sleeping', s)\n    time.sleep(s)"))
        msg_id = self.conn.submit_update(interact_id, {"s": 20})
        self.assertEqual(self.conn.read()["content"], {"execution_state": "busy"})
        time.sleep(0.4)
        self.interrupt()
        msgs = self.conn.collect(msg_id, timeout=15)
        self.assertEqual([(e["content"]["ename"], tag(e)) for e in msgs if e["msg_type"] == "error"],
                         [("KeyboardInterrupt", interact_id)])
        self.assertEqual(self.reply(msgs), {"status": "aborted", "execution_count": None})
        self.assertEqual(stdout_of(self.conn.update(interact_id, {"s": 0}), interact_id), "sleeping 0\n")

    def test_the_interact_module_imports_as_sage_spells_it(self):
        msgs = self.cell("import interact as module\nfrom interact import *\n"
                         "print(sorted(module.__all__) == sorted(n for n in module.__all__ if n in globals()))")
        self.assertEqual(stdout_of(msgs, None), "True\n")


class LocalInteractSessionTest(InteractSessionCase, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.session = LocalSession()
        cls.conn = cls.session.conn

    @classmethod
    def tearDownClass(cls):
        cls.session.close()

    def interrupt(self):
        self.session.proc.send_signal(signal.SIGINT)


@needs_sandbox
class SandboxInteractSessionTest(InteractSessionCase, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.zygote = Zygote()
        spawned, cls.conn, _ = cls.zygote.spawn("sess-interact", {})
        cls.child_pid = spawned["child_pid"]

    @classmethod
    def tearDownClass(cls):
        cls.conn.close()
        cls.zygote.close()

    def interrupt(self):
        os.kill(self.child_pid, signal.SIGINT)

    def test_the_module_is_the_runners_own(self):
        msgs = self.cell("import importlib\nprint(importlib.import_module('interact').__file__)")
        self.assertEqual(stdout_of(msgs, None), "/cellar/interact.py\n")


if __name__ == "__main__":
    unittest.main()
