"""Jupyter's ipywidgets in Cellar sessions (cellar/ipywidgets.py, issue 12): real runner
processes over a real socket (testing_session.LocalSession; the sandboxed one where the sandbox
runs). Code written for Jupyter runs unchanged: each widget and abbreviation becomes the right
control in the interact's description, updates from the page re-run the function with converted
(and checked) values, return values and Output show in the interact's output, and what is not
supported says so."""

from cellar_path import KERNEL_DIR  # lib/exec/python (/cellar in a sandbox), put first on sys.path
import importlib.util
import os
import unittest

from testing_session import LocalSession, of_type
from testing_zygote import Zygote, needs_sandbox

MIME = "application/vnd.cellar.interact+json"

def tag(msg: dict):
    return (msg.get("metadata") or {}).get("interact")


def specs(msgs: list) -> list:
    return [m["content"]["data"][MIME] for m in msgs if m["msg_type"] == "display_data" and MIME in m["content"]["data"]]


def stdout_of(msgs: list, interact_id) -> str:
    return "".join(m["content"]["text"] for m in msgs
                   if m["msg_type"] == "stream" and m["content"]["name"] == "stdout" and tag(m) == interact_id)


def shown(msgs: list, interact_id) -> list:
    """The text/plain of what was displayed (not interacts) under `interact_id`."""
    return [m["content"]["data"].get("text/plain") for m in msgs
            if m["msg_type"] == "display_data" and MIME not in m["content"]["data"] and tag(m) == interact_id]


def controls(spec: dict) -> dict:
    return {c["name"]: {k: v for k, v in c.items() if k != "name"} for c in spec["controls"]}


class IpywidgetsCase:
    """Shared by the local and the sandboxed session; `conn` comes from the subclass."""

    def cell(self, code: str) -> list:
        msgs = self.conn.execute(code)
        return msgs

    def one_spec(self, msgs: list) -> dict:
        found = specs(msgs)
        self.assertEqual(len(found), 1, msgs)
        return found[0]

    def errors(self, msgs: list) -> list:
        return [(e["ename"], e["evalue"]) for e in of_type(msgs, "error")]

    def test_the_module_is_cellars_own_whatever_is_installed(self):
        msgs = self.cell("import ipywidgets, ipywidgets.widgets\nimport ipywidgets as widgets\n"
                         "from ipywidgets import interact, interactive, interact_manual, fixed, widgets as w\n"
                         "from ipywidgets.widgets import IntSlider\n"
                         "print(ipywidgets.__file__)\n"
                         "print(w.IntSlider is widgets.IntSlider is IntSlider, w.Dropdown.__module__)\n")
        self.assertEqual(self.errors(msgs), [])
        path, same = stdout_of(msgs, None).splitlines()
        self.assertEqual(path, self.module_path)
        self.assertEqual(same, "True cellar.ipywidgets")

    def test_each_widget_becomes_its_control(self):
        spec = self.one_spec(self.cell(
            "import ipywidgets as widgets\n"
            "def f(a, b, c, d, e, g, h, i, j, k):\n"
            "    print(repr(a), repr(b), repr(c), repr(d), repr(e), repr(g), repr(h), repr(i), repr(j), repr(k))\n"
            "widgets.interact(f,\n"
            "    a=widgets.IntSlider(value=3, min=0, max=10, step=1, description='count', continuous_update=False),\n"
            "    b=widgets.FloatSlider(value=0.5, min=0, max=2, step=0.25, readout=False, layout=widgets.Layout(width='50%')),\n"
            "    c=widgets.IntRangeSlider(value=(2, 8), min=0, max=10, continuous_update=False),\n"
            "    d=widgets.Dropdown(options=[('One', 1), ('Two', 2), ('Three', 3)], value=2, description='pick'),\n"
            "    e=widgets.RadioButtons(options={'red': '#f00', 'blue': '#00f'}),\n"
            "    g=widgets.ToggleButtons(options=['s', 'm', 'l'], value='m'),\n"
            "    h=widgets.Checkbox(value=True, description='on'),\n"
            "    i=widgets.Text(value='hi', placeholder='type'),\n"
            "    j=widgets.Textarea(value='a', rows=3),\n"
            "    k=widgets.ColorPicker(value='blue'))\n"))
        self.assertEqual(spec["name"], "f")
        self.assertTrue(spec["auto_update"])
        self.assertEqual(controls(spec), {
            "a": {"type": "slider", "label": "count", "min": 0, "max": 10, "step": 1, "default": 3, "display_value": True,
                  "continuous_update": False},
            "b": {"type": "slider", "label": "b", "min": 0.0, "max": 2.0, "step": 0.25, "default": 0.5, "display_value": False},
            "c": {"type": "range_slider", "label": "c", "min": 0, "max": 10, "step": 1, "default": [2, 8], "display_value": True,
                  "continuous_update": False},
            "d": {"type": "selector", "label": "pick", "values": ["One", "Two", "Three"], "default": 1, "style": "dropdown",
                  "nrows": None, "ncols": None},
            "e": {"type": "selector", "label": "e", "values": ["red", "blue"], "default": 0, "style": "radio",
                  "nrows": None, "ncols": None},
            "g": {"type": "selector", "label": "g", "values": ["s", "m", "l"], "default": 1, "style": "buttons",
                  "nrows": None, "ncols": None},
            "h": {"type": "checkbox", "label": "on", "default": True},
            "i": {"type": "input_box", "label": "i", "default": "hi", "width": None, "height": 1},
            "j": {"type": "input_box", "label": "j", "default": "a", "width": None, "height": 3},
            "k": {"type": "color", "label": "k", "default": "#0000ff"},
        })

    def test_an_update_reruns_with_converted_values_and_page_values_are_checked(self):
        msgs = self.cell(
            "from ipywidgets import interact, widgets\n"
            "slider = widgets.FloatSlider(value=0.5, min=0, max=2, step=0.25)\n"
            "@interact(a=widgets.IntSlider(value=3, min=0, max=10), b=slider, c=widgets.IntRangeSlider(value=(2, 8), max=10),\n"
            "          d=widgets.Dropdown(options=[('One', 1), ('Two', 2)]), k=widgets.ColorPicker(value='blue'),\n"
            "          t=widgets.Text('x'))\n"
            "def f(a, b, c, d, k, t):\n"
            "    print(repr(a), repr(b), repr(c), repr(d), repr(k), repr(t))\n")
        spec = self.one_spec(msgs)
        self.assertEqual(stdout_of(msgs, spec["id"]), "3 0.5 (2, 8) 1 'blue' 'x'\n")
        up = self.conn.update(spec["id"], {"a": 7, "b": 1.25, "c": [5, 3], "d": 1, "k": "#00FF00", "t": "typed"})
        self.assertEqual(stdout_of(up, spec["id"]), "7 1.25 (3, 5) 2 '#00ff00' 'typed'\n")
        self.assertEqual(stdout_of(self.cell("print(slider.value)"), None), "1.25\n")  # the widget follows the page
        # Out of range, the wrong type, bad colors: clamped or ignored, never passed on.
        up = self.conn.update(spec["id"], {"a": 99, "b": "1/0", "c": [0, "x"], "d": 7, "k": "red; x", "t": 5})
        self.assertEqual(stdout_of(up, spec["id"]), "10 1.25 (3, 5) 2 '#00ff00' 'typed'\n")
        up = self.conn.update(spec["id"], {"a": 6.6, "b": 0.3})  # snapped to the step
        self.assertEqual(stdout_of(up, spec["id"]), "7 0.25 (3, 5) 2 '#00ff00' 'typed'\n")

    def test_abbreviations_as_ipywidgets_defines_them(self):
        msgs = self.cell(
            "from ipywidgets import interact, fixed\n"
            "def f(a, b, c, d, e, g, h, i, j, k, n=7):\n"
            "    print(repr(a), repr(b), repr(c), repr(d), repr(e), repr(g), repr(h), repr(i), repr(j), repr(k), repr(n))\n"
            "interact(f, a=(0, 10), b=(0.0, 1.0, 0.01), c=['x', 'y'], d=('p', 'q'), e={'one': 1, 'two': 2}, g=True,\n"
            "         h='hi', i=5, j=2.5, k=fixed([1, 2]), n=(0, 10))\n")
        spec = self.one_spec(msgs)
        self.assertEqual(controls(spec), {
            "a": {"type": "slider", "label": "a", "min": 0, "max": 10, "step": 1, "default": 5, "display_value": True},
            "b": {"type": "slider", "label": "b", "min": 0.0, "max": 1.0, "step": 0.01, "default": 0.5, "display_value": True},
            "c": {"type": "selector", "label": "c", "values": ["x", "y"], "default": 0, "style": "dropdown", "nrows": None, "ncols": None},
            "d": {"type": "selector", "label": "d", "values": ["p", "q"], "default": 0, "style": "dropdown", "nrows": None, "ncols": None},
            "e": {"type": "selector", "label": "e", "values": ["one", "two"], "default": 0, "style": "dropdown", "nrows": None, "ncols": None},
            "g": {"type": "checkbox", "label": "g", "default": True},
            "h": {"type": "input_box", "label": "h", "default": "hi", "width": None, "height": 1},
            "i": {"type": "slider", "label": "i", "min": -5, "max": 15, "step": 1, "default": 5, "display_value": True},
            "j": {"type": "slider", "label": "j", "min": -2.5, "max": 7.5, "step": 0.1, "default": 2.5, "display_value": True},
            # n=(0, 10) with the function's own default 7: the slider starts there
            "n": {"type": "slider", "label": "n", "min": 0, "max": 10, "step": 1, "default": 7, "display_value": True},
        })
        self.assertEqual(stdout_of(msgs, spec["id"]), "5 0.5 'x' 'p' 1 True 'hi' 5 2.5 [1, 2] 7\n")
        up = self.conn.update(spec["id"], {"a": 1, "b": 0.27, "c": 1, "e": 1, "g": False, "h": "yo", "i": -5, "j": 7.5, "k": 3})
        self.assertEqual(stdout_of(up, spec["id"]), "1 0.27 'y' 'p' 2 False 'yo' -5 7.5 [1, 2] 7\n")

    def test_decorator_forms_and_defaults_of_the_function(self):
        msgs = self.cell(
            "from ipywidgets import interact\n"
            "@interact\n"
            "def bare(x=10, word='w', flag=False):\n"
            "    print('bare', x, word, flag)\n"
            "@interact()\n"
            "def empty_call(n=(1, 3)):\n"
            "    print('called', n)\n"
            "def later(s):\n"
            "    print('later', s)\n"
            "returned = interact(later, s=(w for w in ['u', 'v']))  # any iterable: a dropdown\n"
            "print(returned is later, bare.__name__, hasattr(bare, 'widget'))\n")
        bare, empty_call, later = specs(msgs)
        self.assertEqual([s["name"] for s in (bare, empty_call, later)], ["bare", "empty_call", "later"])
        self.assertEqual([c["type"] for c in bare["controls"]], ["slider", "input_box", "checkbox"])
        self.assertEqual(controls(bare)["x"], {"type": "slider", "label": "x", "min": -10, "max": 30, "step": 1, "default": 10,
                                               "display_value": True})
        self.assertEqual(stdout_of(msgs, bare["id"]), "bare 10 w False\n")
        self.assertEqual(stdout_of(msgs, empty_call["id"]), "called 2\n")
        self.assertEqual(stdout_of(msgs, later["id"]), "later u\n")
        self.assertEqual(controls(later)["s"]["values"], ["u", "v"])
        self.assertEqual(stdout_of(msgs, None), "True bare True\n")

    def test_interact_manual_waits_for_the_button(self):
        msgs = self.cell("from ipywidgets import interact_manual\n"
                         "@interact_manual(n=(0, 4))\n"
                         "def slow(n):\n"
                         "    print('ran with', n)\n")
        spec = self.one_spec(msgs)
        self.assertFalse(spec["auto_update"])  # the page shows its Update button
        self.assertEqual(stdout_of(msgs, spec["id"]), "")  # as in Jupyter: nothing before the first press
        self.assertEqual(stdout_of(self.conn.update(spec["id"], {"n": 3}), spec["id"]), "ran with 3\n")

    def test_a_return_value_is_shown_like_a_cells_last_value(self):
        msgs = self.cell("from ipywidgets import interact\n"
                         "@interact(x=(0, 5))\n"
                         "def square(x):\n"
                         "    print('squaring', x)\n"
                         "    return x * x if x != 3 else None\n")
        spec = self.one_spec(msgs)
        self.assertEqual((stdout_of(msgs, spec["id"]), shown(msgs, spec["id"])), ("squaring 2\n", ["4"]))
        up = self.conn.update(spec["id"], {"x": 5})
        self.assertEqual(shown(up, spec["id"]), ["25"])
        self.assertEqual(shown(self.conn.update(spec["id"], {"x": 3}), spec["id"]), [])  # None: nothing shown

    def test_output_as_a_context_manager_captures_into_the_interacts_output(self):
        msgs = self.cell("import ipywidgets as widgets\n"
                         "out = widgets.Output()\n"
                         "@widgets.interact(n=(1, 3))\n"
                         "def talk(n):\n"
                         "    with out:\n"
                         "        out.clear_output()\n"
                         "        print('inside', n)\n"
                         "        display(widgets.fixed(n))\n"
                         "display(out)\n"
                         "print('cell')\n")
        spec = self.one_spec(msgs)
        self.assertEqual(stdout_of(msgs, spec["id"]), "inside 2\n")
        self.assertEqual(shown(msgs, spec["id"]), ["fixed(2)"])
        self.assertEqual((stdout_of(msgs, None), shown(msgs, None)), ("cell\n", []))  # display(out) adds nothing
        up = self.conn.update(spec["id"], {"n": 3})
        self.assertEqual(stdout_of(up, spec["id"]), "inside 3\n")

    def test_interactive_shows_when_displayed_and_keeps_kwargs_and_result(self):
        msgs = self.cell("from ipywidgets import interactive\n"
                         "def add(a, b=2):\n"
                         "    return a + b\n"
                         "w = interactive(add, a=(0, 10))\n"
                         "print('made', [type(c).__name__ for c in w.children])\n")
        self.assertEqual(specs(msgs), [])
        self.assertEqual(stdout_of(msgs, None), "made ['IntSlider', 'IntSlider', 'Output']\n")
        msgs = self.cell("display(w)")
        spec = self.one_spec(msgs)
        self.assertEqual(shown(msgs, spec["id"]), ["7"])
        self.conn.update(spec["id"], {"a": 1, "b": 3})
        self.assertEqual(stdout_of(self.cell("print(w.kwargs, w.result)"), None), "{'a': 1, 'b': 3} 4\n")
        # As a cell's last value it shows its controls too (and is not shown as text).
        msgs = self.cell("w")
        self.assertEqual(len(specs(msgs)), 1)
        self.assertEqual(of_type(msgs, "execute_result"), [])

    def test_a_button_calls_its_handlers_and_a_lone_widget_keeps_its_value(self):
        msgs = self.cell("import ipywidgets as widgets\n"
                         "button = widgets.Button(description='Go')\n"
                         "clicks = []\n"
                         "button.on_click(lambda b: (clicks.append(1), print('clicked', b.description, len(clicks))))\n"
                         "display(button)\n")
        spec = self.one_spec(msgs)
        self.assertEqual(spec["controls"], [{"name": "click", "type": "button", "label": "", "text": "Go", "default": False}])
        self.assertEqual(stdout_of(msgs, spec["id"]), "")
        self.assertEqual(stdout_of(self.conn.update(spec["id"], {"click": True}), spec["id"]), "clicked Go 1\n")
        self.assertEqual(stdout_of(self.conn.update(spec["id"], {"click": True}), spec["id"]), "clicked Go 2\n")

        msgs = self.cell("level = widgets.IntSlider(value=4, max=9, description='level')\nlevel")
        spec = self.one_spec(msgs)
        self.assertEqual(controls(spec)["value"]["label"], "level")
        self.conn.update(spec["id"], {"value": 8})
        self.assertEqual(stdout_of(self.cell("print(level.value)"), None), "8\n")

    def test_what_is_not_supported_says_so(self):
        cases = {
            "widgets.HBox([widgets.IntSlider()])": ("UnsupportedWidgetError", "ipywidgets.HBox is not supported in Cellar"),
            "widgets.Play(max=5)": ("UnsupportedWidgetError", "ipywidgets.Play is not supported in Cellar"),
            "widgets.jslink((widgets.IntSlider(), 'value'), (widgets.IntSlider(), 'value'))": ("UnsupportedWidgetError", "ipywidgets.jslink is not supported"),
            "widgets.IntSlider().observe(print, 'value')": ("UnsupportedWidgetError", "IntSlider.observe is not supported"),
            "widgets.NoSuchWidget()": ("AttributeError", "ipywidgets has no 'NoSuchWidget' in Cellar"),
            "widgets.interact(lambda x: x)": ("ValueError", "cannot find widget or abbreviation for argument: 'x'"),
            "widgets.interact(lambda x: x, x=object())": ("ValueError", "cannot be transformed to a widget (argument 'x')"),
            "widgets.interact(lambda x: x, x=widgets.Button())": ("TypeError", "Button has no value"),
            "widgets.Dropdown(options=['a'], value='z')": ("ValueError", "Dropdown: value 'z' is not one of the options"),
            "widgets.IntSlider(valu=3)": ("TypeError", "IntSlider() got an unexpected keyword argument 'valu'"),
        }
        for code, (ename, words) in cases.items():
            msgs = self.cell("import ipywidgets as widgets\n" + code)
            (got_name, message), = self.errors(msgs)
            self.assertEqual(got_name, ename, code)
            self.assertIn(words, message, code)
            self.assertEqual(specs(msgs), [], code)
        message = self.errors(self.cell("import ipywidgets as widgets\nwidgets.VBox()"))[0][1]
        for name in ("VBox", "IntSlider", "Dropdown", "interact_manual", "Output"):
            self.assertIn(name, message)  # names the widget and what is supported


class LocalIpywidgetsTest(IpywidgetsCase, unittest.TestCase):
    module_path = os.path.join(KERNEL_DIR, "ipywidgets", "__init__.py")

    @classmethod
    def setUpClass(cls):
        cls.session = LocalSession(preload="")
        cls.conn = cls.session.conn

    @classmethod
    def tearDownClass(cls):
        cls.session.close()

    def test_debians_package_is_there_to_be_shadowed(self):
        """When python3-ipywidgets is installed, the test above shows ours wins over it."""
        spec = importlib.util.find_spec("ipywidgets")  # this process: tests run from this directory
        self.assertEqual(spec.origin, self.module_path)
        if not os.path.isdir("/usr/lib/python3/dist-packages/ipywidgets"):
            self.skipTest("Debian's python3-ipywidgets is not installed")


@needs_sandbox
class SandboxIpywidgetsTest(IpywidgetsCase, unittest.TestCase):
    module_path = "/cellar/ipywidgets/__init__.py"

    @classmethod
    def setUpClass(cls):
        cls.zygote = Zygote()
        _, cls.conn, _ = cls.zygote.spawn("sess-ipywidgets", {})

    @classmethod
    def tearDownClass(cls):
        cls.conn.close()
        cls.zygote.close()


class SageIpywidgetsTest(unittest.TestCase):
    """The sage kernel's session (sage.all preloaded, as its zygote does): the same module, Sage
    numbers in abbreviations give Python ints and floats as in Jupyter's Sage kernel, and a Sage
    object returned is shown through Sage's display. (Python syntax: this runner does not preparse.)"""

    @classmethod
    def setUpClass(cls):
        if importlib.util.find_spec("sage") is None:
            raise unittest.SkipTest("Sage is not installed for this python")
        cls.session = LocalSession(preload="sage.all", accept_timeout=180)
        cls.conn = cls.session.conn

    @classmethod
    def tearDownClass(cls):
        cls.session.close()

    def test_ipywidgets_in_a_sage_session(self):
        msgs = self.conn.execute(
            "import ipywidgets\nfrom ipywidgets import interact, widgets\n"
            "from sage.all import Integer, RealNumber, factor\n"
            "print(ipywidgets.__file__)\n"
            "@interact(n=(Integer(2), Integer(30)), r=(RealNumber('0.0'), RealNumber('1.0')), kind=widgets.Dropdown(options=['a', 'b']))\n"
            "def f(n, r, kind):\n"
            "    print(type(n).__name__, n, type(r).__name__, r, kind)\n"
            "    return factor(Integer(n))\n")
        self.assertEqual(of_type(msgs, "error"), [])
        spec = specs(msgs)[0]
        self.assertEqual(stdout_of(msgs, None), os.path.join(KERNEL_DIR, "ipywidgets", "__init__.py") + "\n")
        self.assertEqual(controls(spec)["n"], {"type": "slider", "label": "n", "min": 2, "max": 30, "step": 1, "default": 16,
                                               "display_value": True})
        self.assertEqual(stdout_of(msgs, spec["id"]), "int 16 float 0.5 a\n")
        self.assertEqual(shown(msgs, spec["id"]), ["2^4"])
        up = self.conn.update(spec["id"], {"n": 12, "r": 0.3, "kind": 1})
        self.assertEqual((stdout_of(up, spec["id"]), shown(up, spec["id"])), ("int 12 float 0.3 b\n", ["2^2 * 3"]))


if __name__ == "__main__":
    unittest.main()
