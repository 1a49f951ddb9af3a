"""Every error a user sees names only their own frames (their files and `<cell N>`): never the
runner's (runner.py, cellar_kernel, cellar), whichever way the error arose — Stop, the CPU
limit, a `_repr_*_` method, an imported module. Against a real runner over a real socket, and
in the real sandbox (where the runner lives at /cellar)."""

import cellar_path  # noqa: F401 -- lib/exec/python on sys.path, first
import os
import re
import signal
import time
import unittest

from testing_session import LocalSession, of_type, text
from testing_zygote import Zygote, needs_sandbox

FILES = {
    "shapes.py": "def area(w, h):\n    return w * h / 0\n",
    "slow.py": "import time\nfor _ in range(300):\n    time.sleep(0.1)\n",
    "broken_at_import.py": "VALUE = 1\nraise ValueError('broken at import')\n",
    "unclosed.py": "x = (\n",
    "main.py": "import shapes\n\nprint(shapes.area(2, 3))\n",
}
FRAME = re.compile(r'^\s*File "([^"]*)", line \d+(?:, in (\S+))?')
RUNNER_PATHS = ("cellar_kernel", "runner.py", "/cellar/", "cellar/__init__.py")


def frames(error: dict) -> list:
    """(file, function) of each frame the traceback shows, in order; "..." for a line that
    stands for library frames."""
    out = []
    for line in error["traceback"]:
        match = FRAME.match(line)
        if match:
            out.append((match.group(1), match.group(2)))
        elif line.startswith("  ... in "):
            out.append(("...", line[len("  ... in "):]))
    return out


class TracebackCase:
    """Assertions shared by the local and the sandboxed sessions; `conn` and `interrupt()` are
    given by the subclass."""

    def run_cell(self, code, filename=None, cpu_seconds=30):
        return self.conn.execute(code, filename, cpu_seconds)

    def error_of(self, msgs) -> dict:
        errors = of_type(msgs, "error")
        self.assertEqual(len(errors), 1, msgs)
        tb = "\n".join(errors[0]["traceback"])
        for path in RUNNER_PATHS:
            self.assertNotIn(path, tb)
        return errors[0]

    def stopped(self, code: str, after: float = 0.4) -> tuple:
        """Runs `code`, presses Stop after `after` s; returns (error, execution count)."""
        msg_id = self.conn.submit(code)
        self.assertEqual(self.conn.read()["content"], {"execution_state": "busy"})
        time.sleep(after)
        self.interrupt()
        msgs = self.conn.collect(msg_id, timeout=15)
        reply = of_type(msgs, "execute_reply")[0]
        self.assertEqual(reply["status"], "aborted")
        return self.error_of(msgs), reply["execution_count"]

    def test_stop_in_a_busy_loop_shows_only_the_loop(self):
        error, n = self.stopped("x = 0\nwhile True:\n    x += 1")
        self.assertEqual(error["ename"], "KeyboardInterrupt")
        self.assertEqual(frames(error), [(f"<cell {n}>", "<module>")])
        self.assertRegex("\n".join(error["traceback"]), r"x \+= 1|while True:")
        self.assertEqual(error["traceback"][-1], "KeyboardInterrupt")

    def test_stop_in_sleep_points_at_the_sleep(self):
        error, n = self.stopped("import time\ntime.sleep(30)")
        self.assertEqual(frames(error), [(f"<cell {n}>", "<module>")])
        self.assertIn("    time.sleep(30)", error["traceback"])

    def test_stop_while_printing_hides_the_output_machinery(self):
        # The interrupt is raised when the runner's stream code ends its critical section.
        error, n = self.stopped("while True:\n    print('x' * 100)")
        self.assertEqual(frames(error), [(f"<cell {n}>", "<module>")])

    def test_stop_inside_an_imported_module(self):
        error, n = self.stopped("import slow")
        self.assertEqual(frames(error), [(f"<cell {n}>", "<module>"), ("slow.py", "<module>")])
        self.assertIn("    time.sleep(0.1)", error["traceback"])

    def test_cpu_limit_names_the_limit_and_the_user_line(self):
        msgs = self.run_cell("def spin():\n    while True:\n        pass\nspin()", cpu_seconds=1)
        error = self.error_of(msgs)
        n = of_type(msgs, "execute_reply")[0]["execution_count"]
        self.assertEqual(error["ename"], "LimitExceeded")
        self.assertEqual(frames(error), [(f"<cell {n}>", "<module>"), (f"<cell {n}>", "spin")])
        self.assertEqual(error["traceback"][-1], "LimitExceeded: stopped: used more than 1 s of CPU time")

    def test_cpu_limit_while_printing(self):
        msgs = self.run_cell("while True:\n    print('y' * 50)", cpu_seconds=1)
        error = self.error_of(msgs)
        self.assertEqual([f for f, _ in frames(error)], [f"<cell {of_type(msgs, 'execute_reply')[0]['execution_count']}>"])

    def test_stop_inside_a_repr_method_called_by_display(self):
        code = "class Slow:\n    def _repr_png_(self):\n        while True:\n            pass\ndisplay(Slow())"
        error, n = self.stopped(code)
        self.assertEqual(frames(error), [(f"<cell {n}>", "<module>"), (f"<cell {n}>", "_repr_png_")])
        self.assertIn("    display(Slow())", error["traceback"])

    def test_cpu_limit_inside_the_repr_of_a_result(self):
        code = "class Slow:\n    def _repr_svg_(self):\n        while True:\n            pass\nSlow()"
        msgs = self.run_cell(code, cpu_seconds=1)
        error = self.error_of(msgs)
        n = of_type(msgs, "execute_reply")[0]["execution_count"]
        self.assertEqual(error["ename"], "LimitExceeded")
        self.assertEqual(frames(error), [(f"<cell {n}>", "_repr_svg_")])

    def test_a_base_exception_from_a_repr_method(self):
        code = ("class Halt(BaseException):\n    pass\n\nclass Odd:\n    def _repr_html_(self):\n"
                "        raise Halt('from repr')\n\ndisplay(Odd())")
        msgs = self.run_cell(code)
        error = self.error_of(msgs)
        n = of_type(msgs, "execute_reply")[0]["execution_count"]
        self.assertEqual((error["ename"], error["evalue"]), ("Halt", "from repr"))
        self.assertEqual(frames(error), [(f"<cell {n}>", "<module>"), (f"<cell {n}>", "_repr_html_")])

    def test_a_failing_repr_method_is_reported_without_runner_frames(self):
        code = "class Odd:\n    def _repr_html_(self):\n        raise ValueError('bad html')\ndisplay(Odd())"
        msgs = self.run_cell(code)
        self.assertEqual(of_type(msgs, "error"), [])
        warning = text(msgs, "stderr")
        self.assertIn("ValueError: bad html", warning)
        for path in RUNNER_PATHS:
            self.assertNotIn(path, warning)

    def test_bad_arguments_to_the_cellar_helpers_point_at_the_call(self):
        msgs = self.run_cell("from cellar import Latex, Image\nImage(filename='missing.png')")
        error = self.error_of(msgs)
        n = of_type(msgs, "execute_reply")[0]["execution_count"]
        self.assertEqual(error["ename"], "FileNotFoundError")
        self.assertEqual(frames(error), [(f"<cell {n}>", "<module>")])
        self.assertIn("    Image(filename='missing.png')", error["traceback"])

    def test_error_in_an_imported_module_from_the_main_file(self):
        error = self.error_of(self.run_cell(FILES["main.py"], filename="main.py"))
        self.assertEqual(frames(error), [("main.py", "<module>"), ("shapes.py", "area")])
        self.assertIn("    return w * h / 0", error["traceback"])

    def test_error_while_importing_a_module_hides_importlib(self):
        msgs = self.run_cell("import broken_at_import")
        error = self.error_of(msgs)
        n = of_type(msgs, "execute_reply")[0]["execution_count"]
        self.assertEqual(frames(error), [(f"<cell {n}>", "<module>"), ("broken_at_import.py", "<module>")])
        self.assertEqual(error["traceback"][-1], "ValueError: broken at import")

    def test_syntax_error_in_an_imported_module_names_the_file(self):
        error = self.error_of(self.run_cell("import unclosed"))
        self.assertEqual(error["ename"], "SyntaxError")
        self.assertIn('  File "unclosed.py", line 1', error["traceback"])

    def test_library_frames_become_one_line_between_the_users(self):
        code = "import re\n\ndef shout(m):\n    return m.group(0).upper() / 2\n\nre.sub('a', shout, 'banana')"
        msgs = self.run_cell(code)
        error = self.error_of(msgs)
        n = of_type(msgs, "execute_reply")[0]["execution_count"]
        self.assertEqual(frames(error), [(f"<cell {n}>", "<module>"), ("...", "re"), (f"<cell {n}>", "shout")])

    def test_chained_exceptions_are_trimmed_too(self):
        code = "import shapes\ntry:\n    shapes.area(1, 1)\nexcept ZeroDivisionError as e:\n    raise RuntimeError('no area') from e"
        msgs = self.run_cell(code)
        error = self.error_of(msgs)
        n = of_type(msgs, "execute_reply")[0]["execution_count"]
        self.assertEqual(frames(error), [(f"<cell {n}>", "<module>"), ("shapes.py", "area"), (f"<cell {n}>", "<module>")])


class LocalTracebackTest(TracebackCase, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.session = LocalSession(FILES)
        cls.conn = cls.session.conn

    @classmethod
    def tearDownClass(cls):
        cls.session.close()

    def interrupt(self):
        self.session.proc.send_signal(signal.SIGINT)


@needs_sandbox
class SandboxTracebackTest(TracebackCase, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.zygote = Zygote()
        spawned, cls.conn, _ = cls.zygote.spawn("sess-tb", FILES)
        cls.child_pid = spawned["child_pid"]

    @classmethod
    def tearDownClass(cls):
        cls.conn.close()
        cls.zygote.close()

    def interrupt(self):
        os.kill(self.child_pid, signal.SIGINT)


if __name__ == "__main__":
    unittest.main()
