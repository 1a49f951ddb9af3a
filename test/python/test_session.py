"""The session protocol and cell engine, against a real runner process (runner.py
--no-isolation) over a real unix socket. The sandbox itself is tested in test_sandbox.py."""

import cellar_path  # noqa: F401 -- lib/exec/python on sys.path, first
import base64
import os
import signal
import time
import unittest

from testing_session import LocalSession, of_type, text

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class SessionTest(unittest.TestCase):
    files = {
        "helper.py": "def double(x):\n    return 2 * x\n\ndef broken():\n    return 1 / 0\n",
        "main.py": "import helper\nvalue = helper.double(21)\nprint('value', value)\n",
    }

    @classmethod
    def setUpClass(cls):
        cls.s = LocalSession(cls.files)

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def run_cell(self, code, filename=None, cpu_seconds=30):
        msgs = self.s.conn.execute(code, filename, cpu_seconds)
        types = [m["msg_type"] for m in msgs]
        self.assertEqual(types[0], "status")
        self.assertEqual(msgs[0]["content"], {"execution_state": "busy"})
        self.assertEqual(types[-2:], ["execute_reply", "status"])
        return msgs

    def reply(self, msgs):
        return of_type(msgs, "execute_reply")[0]

    def test_hello_names_the_session(self):
        self.assertEqual(self.s.hello, {"op": "hello", "session": "local"})

    def test_stdout_and_stderr_are_separate_streams_in_order(self):
        msgs = self.run_cell("import sys\nprint('out 1')\nprint('err', file=sys.stderr)\nprint('out 2')")
        streams = [(m["name"], m["text"]) for m in of_type(msgs, "stream")]
        self.assertEqual(streams, [("stdout", "out 1\n"), ("stderr", "err\n"), ("stdout", "out 2\n")])

    def test_last_expression_is_the_result_unless_none_or_semicolon(self):
        msgs = self.run_cell("a_val = 6\na_val * 7")
        result = of_type(msgs, "execute_result")
        self.assertEqual(len(result), 1)
        self.assertEqual(result[0]["data"]["text/plain"], "42")
        self.assertEqual(result[0]["execution_count"], self.reply(msgs)["execution_count"])
        self.assertEqual(of_type(self.run_cell("None"), "execute_result"), [])
        self.assertEqual(of_type(self.run_cell("b_val = 3"), "execute_result"), [])
        self.assertEqual(of_type(self.run_cell("a_val * 2;"), "execute_result"), [])
        self.assertEqual(of_type(self.run_cell("'text'"), "execute_result")[0]["data"]["text/plain"], "'text'")

    def test_namespace_persists_and_is_main(self):
        self.run_cell("def square(x):\n    return x * x\nkept = square(5)")
        msgs = self.run_cell("print(kept, square(3), __name__)")
        self.assertEqual(text(msgs), "25 9 __main__\n")

    def test_file_run_then_cells_share_its_namespace(self):
        msgs = self.run_cell(self.files["main.py"], filename="main.py")
        self.assertEqual(text(msgs), "value 42\n")
        self.assertEqual(of_type(msgs, "execute_result"), [])
        self.assertEqual(self.reply(msgs)["status"], "ok")
        self.assertEqual(text(self.run_cell("print(value + 1, __file__.endswith('main.py'))")), "43 True\n")

    def test_traceback_points_into_user_files_not_the_runner(self):
        code = "import helper\n\ndef outer():\n    return helper.broken()\n\nouter()\n"
        msgs = self.run_cell(code, filename="main.py")
        self.assertEqual(self.reply(msgs)["status"], "error")
        error = of_type(msgs, "error")[0]
        self.assertEqual(error["ename"], "ZeroDivisionError")
        self.assertEqual(error["evalue"], "division by zero")
        tb = "\n".join(error["traceback"])
        self.assertNotIn("runner.py", tb)
        self.assertNotIn("cellar_kernel", tb)
        self.assertIn('File "main.py", line 6, in <module>', tb)
        self.assertIn("    outer()", tb)
        self.assertIn('File "helper.py", line 5, in broken', tb)
        self.assertIn("return 1 / 0", tb)
        self.assertTrue(error["traceback"][0].startswith("Traceback"))
        self.assertFalse(any("\n" in line for line in error["traceback"]))

    def test_cell_traceback_shows_the_cell_line(self):
        msgs = self.run_cell("x_ok = 1\nundefined_name + x_ok")
        error = of_type(msgs, "error")[0]
        self.assertEqual(error["ename"], "NameError")
        count = self.reply(msgs)["execution_count"]
        tb = "\n".join(error["traceback"])
        self.assertIn(f'File "<cell {count}>", line 2', tb)
        self.assertIn("undefined_name + x_ok", tb)
        self.assertNotIn("engine.py", tb)

    def test_syntax_error(self):
        error = of_type(self.run_cell("def broken(:\n  pass"), "error")[0]
        self.assertEqual(error["ename"], "SyntaxError")
        self.assertIn("def broken(:", "\n".join(error["traceback"]))

    def test_execution_count_increments_even_after_errors(self):
        first = self.reply(self.run_cell("1/0"))["execution_count"]
        second = self.reply(self.run_cell("pass"))["execution_count"]
        self.assertEqual(second, first + 1)

    def test_system_exit_ends_the_cell_not_the_session(self):
        msgs = self.run_cell("import sys\nprint('before')\nsys.exit()\nprint('never')")
        self.assertEqual(text(msgs), "before\n")
        self.assertEqual(self.reply(msgs)["status"], "ok")
        error = of_type(self.run_cell("import sys; sys.exit(3)"), "error")[0]
        self.assertEqual((error["ename"], error["evalue"]), ("SystemExit", "3"))
        self.assertEqual(text(self.run_cell("print('alive')")), "alive\n")

    def test_display_rich_types(self):
        code = (
            "from cellar import HTML, Markdown, Latex, SVG, Image, JSON\n"
            "import base64\n"
            "png = base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==')\n"
            "class Rich:\n"
            "    def _repr_html_(self): return '<i>rich</i>'\n"
            "display(HTML('<b>b</b>'), Markdown('# title'), Latex(r'$x^2$'), SVG('<svg></svg>'), Image(png), Rich(), JSON({'a': 1}))\n"
        )
        datas = [d["data"] for d in of_type(self.run_cell(code), "display_data")]
        self.assertEqual(len(datas), 7)
        self.assertEqual(datas[0]["text/html"], "<b>b</b>")
        self.assertEqual(datas[1]["text/markdown"], "# title")
        self.assertEqual(datas[2]["text/latex"], "$x^2$")
        self.assertEqual(datas[3]["image/svg+xml"], "<svg></svg>")
        self.assertTrue(base64.b64decode(datas[4]["image/png"]).startswith(PNG_MAGIC))
        self.assertEqual(datas[5]["text/html"], "<i>rich</i>")
        self.assertEqual(datas[6]["application/json"], {"a": 1})
        self.assertTrue(all("text/plain" in d for d in datas))

    def test_rich_last_expression(self):
        data = of_type(self.run_cell("from cellar import HTML\nHTML('<p>x</p>')"), "execute_result")[0]["data"]
        self.assertEqual(data["text/html"], "<p>x</p>")

    def test_image_from_a_file_in_the_work_dir(self):
        code = (
            "import matplotlib.pyplot as plt\n"
            "fig, ax = plt.subplots(); ax.plot([1, 2]); fig.savefig('saved.png'); plt.close(fig)\n"
            "from cellar import Image\nImage('saved.png')"
        )
        msgs = self.run_cell(code)
        self.assertEqual(of_type(msgs, "display_data"), [])  # closed: not shown twice
        data = of_type(msgs, "execute_result")[0]["data"]
        self.assertTrue(base64.b64decode(data["image/png"]).startswith(PNG_MAGIC))
        self.assertTrue(os.path.exists(os.path.join(self.s.work, "saved.png")))

    def test_open_figures_are_shown_without_show_and_then_closed(self):
        msgs = self.run_cell("import matplotlib.pyplot as plt\nplt.plot([1, 3, 2]);\nplt.figure(); plt.bar([1], [2]);")
        images = of_type(msgs, "display_data")
        self.assertEqual(len(images), 2)
        for image in images:
            self.assertTrue(base64.b64decode(image["data"]["image/png"]).startswith(PNG_MAGIC))
            self.assertIn("Figure", image["data"]["text/plain"])
        msgs = self.run_cell("import matplotlib.pyplot as plt\nlen(plt.get_fignums())")
        self.assertEqual(of_type(msgs, "execute_result")[0]["data"]["text/plain"], "0")
        self.assertEqual(of_type(msgs, "display_data"), [])

    def test_show_emits_the_figure_at_once(self):
        msgs = self.run_cell("import matplotlib.pyplot as plt\nprint('before')\nplt.plot([1, 2])\nplt.show()\nprint('after')")
        kinds = [(m["msg_type"], m["content"].get("text")) for m in msgs if m["msg_type"] in ("stream", "display_data")]
        self.assertEqual(kinds, [("stream", "before\n"), ("display_data", None), ("stream", "after\n")])

    def test_figures_drawn_before_an_error_are_still_shown(self):
        msgs = self.run_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2])\n1/0")
        self.assertEqual(len(of_type(msgs, "display_data")), 1)
        self.assertEqual(of_type(msgs, "error")[0]["ename"], "ZeroDivisionError")

    def test_output_of_c_code_and_subprocesses_is_captured(self):
        code = (
            "import os, subprocess, sys\n"
            "print('py')\n"
            "os.write(1, b'raw fd 1\\n')\n"
            "subprocess.run(['echo', 'from child'])\n"
            "subprocess.run(['sh', '-c', 'echo to stderr >&2'])\n"
        )
        msgs = self.run_cell(code)
        self.assertEqual(text(msgs), "py\nraw fd 1\nfrom child\n")
        self.assertEqual(text(msgs, "stderr"), "to stderr\n")

    def test_closing_fds_1_and_2_or_replacing_sys_stdout_keeps_the_session(self):
        msgs = self.run_cell("import os, sys, io\nos.close(1)\nos.close(2)\nprint('still here')\nsys.stdout = io.StringIO()")
        self.assertEqual(text(msgs), "still here\n")
        self.assertEqual(self.reply(msgs)["status"], "ok")
        self.assertEqual(self.reply(self.run_cell("1 + 1"))["status"], "ok")
        self.assertEqual(of_type(self.run_cell("2 + 2"), "execute_result")[0]["data"]["text/plain"], "4")
        self.assertEqual(text(self.run_cell("print('restored')")), "restored\n")

    def test_monkeypatching_cellar_does_not_stop_figures(self):
        msgs = self.run_cell("import cellar\ncellar.display = None\ncellar._publisher = print\n"
                             "import matplotlib.pyplot as plt\nplt.plot([1, 2]);")
        self.assertEqual(len(of_type(msgs, "display_data")), 1)

    def test_a_flood_of_prints_arrives_whole_in_few_messages(self):
        msgs = self.run_cell("for i in range(20000):\n    print(i)")
        self.assertEqual(text(msgs), "".join(f"{i}\n" for i in range(20000)))
        self.assertLess(len(of_type(msgs, "stream")), 200)

    def test_unicode_output(self):
        self.assertEqual(text(self.run_cell("print('π ≈ 3.14 — ✓')")), "π ≈ 3.14 — ✓\n")

    def test_files_written_by_a_cell_are_importable_by_the_next(self):
        self.run_cell("open('made_here.py', 'w').write('ANSWER = 7\\n')")
        self.assertEqual(text(self.run_cell("import made_here; print(made_here.ANSWER)")), "7\n")

    def test_interrupt_stops_the_cell_with_keyboard_interrupt(self):
        msg_id = self.s.conn.submit("import time\nprint('sleeping')\ntime.sleep(30)")
        busy = self.s.conn.read()
        self.assertEqual(busy["content"], {"execution_state": "busy"})
        time.sleep(0.2)
        self.s.proc.send_signal(signal.SIGINT)
        msgs = self.s.conn.collect(msg_id, timeout=10)
        error = of_type(msgs, "error")[0]
        self.assertEqual(error["ename"], "KeyboardInterrupt")
        self.assertIn("time.sleep(30)", "\n".join(error["traceback"]))
        self.assertEqual(self.reply(msgs)["status"], "aborted")
        self.assertEqual(text(self.run_cell("print('next')")), "next\n")

    def test_interrupt_during_an_output_flood_keeps_the_protocol_intact(self):
        msg_id = self.s.conn.submit("while True:\n    print('x' * 200)")
        self.s.conn.read()
        time.sleep(0.3)
        self.s.proc.send_signal(signal.SIGINT)
        msgs = self.s.conn.collect(msg_id, timeout=20)
        self.assertEqual(of_type(msgs, "error")[0]["ename"], "KeyboardInterrupt")
        self.assertTrue(set(text(msgs)) <= {"x", "\n"})
        self.assertEqual(text(self.run_cell("print('fine')")), "fine\n")

    def test_interrupt_between_cells_is_ignored(self):
        self.s.proc.send_signal(signal.SIGINT)
        time.sleep(0.1)
        self.assertEqual(text(self.run_cell("print('unaffected')")), "unaffected\n")

    def test_cpu_limit_stops_the_cell_and_says_so(self):
        msgs = self.run_cell("while True:\n    pass", cpu_seconds=1)
        error = of_type(msgs, "error")[0]
        self.assertEqual(error["ename"], "LimitExceeded")
        self.assertEqual(error["evalue"], "stopped: used more than 1 s of CPU time")
        self.assertEqual(self.reply(msgs)["status"], "error")
        self.assertEqual(text(self.run_cell("print('after limit')")), "after limit\n")

    def test_cpu_limit_is_not_swallowed_by_except_exception(self):
        code = "try:\n    while True:\n        pass\nexcept Exception:\n    print('swallowed')"
        msgs = self.run_cell(code, cpu_seconds=1)
        self.assertEqual(text(msgs), "")
        self.assertEqual(of_type(msgs, "error")[0]["ename"], "LimitExceeded")


class FileLimitTest(unittest.TestCase):
    def test_a_file_past_the_limit_fails_with_oserror(self):
        s = LocalSession(preload="", extra_args=("--file-bytes", "4096"))
        try:
            msgs = s.conn.execute("open('big.bin', 'wb').write(b'x' * 10000)")
            error = of_type(msgs, "error")[0]
            self.assertEqual(error["ename"], "OSError")
            self.assertIn("File too large", error["evalue"])
            self.assertEqual(os.path.getsize(os.path.join(s.work, "big.bin")), 4096)
            self.assertEqual(text(s.conn.execute("print('ok')")), "ok\n")
        finally:
            s.close()


class WarmUpTest(unittest.TestCase):
    """A pre-spawned session's warm-up (go with "warm": true) leaves nothing a reader could see."""

    def test_warm_session_starts_like_a_fresh_one(self):
        s = LocalSession(warm=True)
        try:
            msgs = s.conn.execute(
                "print(sorted(k for k in globals() if not k.startswith('__')))\n"
                "import os, matplotlib.pyplot as plt\n"
                "print(plt.get_fignums(), os.listdir('.'))\n"
                "print(plt.figure().number)\n"
                "plt.close('all')")
            preimported = sorted(["display", "scatter", "gather", "shared", "interact", "slider", "range_slider", "input_box", "input_grid",
                                  "checkbox", "selector", "color_selector", "text_control", "button",
                                  "button_bar", "Color", "Slider", "DiscreteSlider", "ContinuousSlider",
                                  "InputBox", "ExpressionBox", "InputGrid", "Checkbox", "Selector",
                                  "ColorSelector", "Button", "ButtonBar", "HtmlBox", "UpdateButton"])
            self.assertEqual(text(msgs), f"{preimported}\n[] []\n1\n")
            self.assertEqual(text(msgs, "stderr"), "")
            self.assertEqual(of_type(msgs, "execute_reply")[0]["execution_count"], 1)
            self.assertEqual(of_type(msgs, "display_data"), [])
            plot = s.conn.execute("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])")
            self.assertEqual(len(of_type(plot, "display_data")), 1)
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
