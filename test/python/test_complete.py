"""Completion and help (complete / inspect requests, `name?` cells) against a real runner process
(runner.py --no-isolation: U and its relay R) over a real unix socket (docs/exec.md,
"Completion and help")."""

import cellar_path  # noqa: F401 -- lib/exec/python on sys.path, first
import time
import unittest

from testing_session import LocalSession, of_type, text


class CompletionTest(unittest.TestCase):
    files = {"mymodule_here.py": "VALUE = 1\n"}

    @classmethod
    def setUpClass(cls):
        cls.s = LocalSession(cls.files, preload="numpy")

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def run_cell(self, code):
        msgs = self.s.conn.execute(code)
        self.assertEqual(of_type(msgs, "execute_reply")[-1]["status"], "ok", msgs)
        return msgs

    def complete(self, code, cursor=None):
        msgs = self.s.conn.query("complete", code, cursor)
        # `dropped`: what the objects touched wrote on fd 1, counted and never shown
        self.assertEqual([m["msg_type"] for m in msgs if m["msg_type"] != "dropped"], ["status", "complete_reply", "status"], msgs)
        return of_type(msgs, "complete_reply")[0]

    def inspect(self, code, cursor=None, detail=0):
        msgs = self.s.conn.query("inspect", code, cursor, detail)
        self.assertEqual([m["msg_type"] for m in msgs], ["status", "inspect_reply", "status"], msgs)
        return of_type(msgs, "inspect_reply")[0]

    def test_attributes_of_a_module_in_the_namespace(self):
        self.run_cell("import numpy as np")
        reply = self.complete("x = np.li")
        self.assertIn("linspace", reply["matches"])
        self.assertTrue(all(m.startswith("li") for m in reply["matches"]))
        self.assertEqual((reply["cursor_start"], reply["cursor_end"]), (7, 9))

    def test_names_of_the_session_builtins_and_keywords(self):
        self.run_cell("my_special_value = 3")
        self.assertEqual(self.complete("my_spec")["matches"], ["my_special_value"])
        self.assertIn("print", self.complete("pri")["matches"])
        self.assertIn("lambda", self.complete("lamb")["matches"])
        # the cursor in the middle of the code: only what is before it counts
        reply = self.complete("my_spec + 1", cursor=7)
        self.assertEqual((reply["matches"], reply["cursor_start"]), (["my_special_value"], 0))

    def test_private_names_only_when_asked(self):
        self.run_cell("class K:\n    def pub(self): pass\n    def _priv(self): pass\nk = K()")
        self.assertEqual(self.complete("k.")["matches"][:1], ["pub"])
        self.assertNotIn("_priv", self.complete("k.")["matches"])
        self.assertIn("_priv", self.complete("k._")["matches"])

    def test_module_names_in_imports(self):
        self.assertIn("matplotlib", self.complete("import matpl")["matches"])
        self.assertIn("mymodule_here", self.complete("import mymod")["matches"])  # the session's own files
        self.assertIn("pyplot", self.complete("import matplotlib.py")["matches"])
        self.assertIn("factorial", self.complete("from math import fa")["matches"])
        self.assertIn("path", self.complete("from os import pa")["matches"])

    def test_properties_do_not_run(self):
        self.run_cell("class P:\n    @property\n    def boom(self):\n        print('RAN'); raise SystemExit\n"
                      "    value = 5\np = P()")
        self.assertEqual(self.complete("p.boom.")["matches"], [])
        self.assertIn("boom", self.complete("p.bo")["matches"])
        self.assertNotIn("RAN", text(self.run_cell("print('next')")))

    def test_a_hostile_dir_is_cut_off_and_prints_nothing_into_the_next_cell(self):
        self.run_cell(
            "import os\n"
            "class Hostile:\n"
            "    def __dir__(self):\n"
            "        print('LEAK from print')\n"
            "        os.write(1, b'LEAK from fd 1\\n')\n"
            "        while True:\n"
            "            pass\n"
            "h = Hostile()")
        started = time.monotonic()
        msgs = self.s.conn.query("complete", "h.")
        self.assertEqual([m["msg_type"] for m in msgs if m["msg_type"] != "dropped"], ["status", "complete_reply", "status"])
        self.assertNotIn("LEAK", str(msgs))
        reply = of_type(msgs, "complete_reply")[0]
        self.assertLess(time.monotonic() - started, 10)  # (not a timing assertion: it would hang)
        self.assertEqual(reply["matches"], [])
        msgs = self.run_cell("print('after')")
        self.assertEqual(text(msgs), "after\n")
        self.assertNotIn("LEAK", str(msgs))
        # the session still completes
        self.run_cell("after_name = 1")
        self.assertEqual(self.complete("after_n")["matches"], ["after_name"])

    def test_inspect_a_call_shows_signature_and_docstring(self):
        self.run_cell("import math")
        reply = self.inspect("math.factorial(", None)
        self.assertTrue(reply["found"])
        help_text = reply["data"]["text/plain"]
        self.assertIn("Signature: math.factorial(n, /)", help_text)
        self.assertIn("Find n!", help_text)
        self.run_cell("def mine(a, b=2):\n    '''Adds things.'''\n    return a + b")
        source = self.inspect("mine", detail=1)["data"]["text/plain"]
        self.assertIn("return a + b", source)
        self.assertFalse(self.inspect("no_such_name_at_all")["found"])

    def test_question_mark_cells_show_help(self):
        self.run_cell("import math")
        out = text(self.run_cell("math.factorial?"))
        self.assertIn("Signature: math.factorial(n, /)", out)
        self.assertIn("Find n!", out)
        out = text(self.run_cell("def twice(x):\n    return 2 * x\ntwice??\nprint('done')"))
        self.assertIn("return 2 * x", out)
        self.assertTrue(out.endswith("done\n"))
        self.assertIn("Object `nothing_here` not found.", text(self.run_cell("nothing_here?")))
        # a `?` line inside a string of a valid cell stays
        self.assertEqual(text(self.run_cell("print('''\nabc?\n''')")), "\nabc?\n\n")

    def test_malformed_queries_are_ignored(self):
        self.s.conn.send({"op": "complete", "msg_id": "bad", "code": "x", "cursor_pos": 5})
        self.s.conn.send({"op": "inspect", "msg_id": "bad2", "code": 3, "cursor_pos": 0})
        self.assertEqual(text(self.run_cell("print('fine')")), "fine\n")


if __name__ == "__main__":
    unittest.main()
