"""Interacts in a Sage session (cellar/interact.py with sage.all loaded): SageMathCell's
interacts, written in Sage syntax, run through Sage's preparser in a namespace like the Sage
kernel's; updates go through cellar.interact.update as the session's do. Asserts what the
function receives (Sage types and values) and what the page is told. Skipped when Sage is not
installed."""

import cellar_path  # noqa: F401 -- lib/exec/python on sys.path, first
import importlib.util
import json
import os
import sys
import tempfile
import unittest

import cellar
from cellar import interact as api
from testing_sage import hide_sage, load_sage

class SageInteracts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.had_sage = "sage.all" in sys.modules
        cls.sage = load_sage()
        from sage.repl.preparse import preparse_file

        cls.preparse_file = staticmethod(preparse_file)

    @classmethod
    def tearDownClass(cls):
        hide_sage(cls.had_sage)

    def setUp(self):
        sage = self.sage
        # Like the Sage kernel's cell namespace: Sage's globals (its own Color among them), the
        # interact API, display, and x as the Sage REPL defines it.
        self.ns = {name: getattr(api, name) for name in api.__all__}
        self.ns.update({k: v for k, v in vars(sage).items() if not k.startswith("_")})
        self.ns.update(display=cellar.display, x=sage.SR.var("x"), seen=[])
        self.published, self.errors, self.running = [], [], []
        self.saved = cellar._publisher, cellar._interact_runner
        cellar._publisher = lambda bundle, metadata: self.published.append((bundle, list(self.running)))
        cellar._interact_runner = self.run_tagged

    def tearDown(self):
        cellar._publisher, cellar._interact_runner = self.saved

    def run_tagged(self, interact_id, call):
        """What the engine does with one run: under the interact's tag, an exception becomes the
        interact's error (interrupts and limits go on up to the update)."""
        self.running.append(interact_id)
        try:
            call()
            return True
        except Exception as e:  # noqa: BLE001
            self.errors.append((interact_id, type(e).__name__))
            return False
        finally:
            self.running.pop()

    # helpers

    def cell(self, code: str) -> None:
        exec(compile(self.preparse_file(code), "<cell>", "exec"), self.ns)

    def spec(self, name: str) -> dict:
        """The latest description of the interact `name`, as JSON (it must be plain JSON)."""
        specs = [b[api.MIME] for b, _ in self.published if api.MIME in b and b[api.MIME]["name"] == name]
        return json.loads(json.dumps(specs[-1], allow_nan=False))

    def controls(self, name: str) -> dict:
        return {c["name"]: c for c in self.spec(name)["controls"]}

    def update(self, name: str, values: dict) -> bool:
        return api.update(self.spec(name)["id"], values)

    def last(self):
        return self.ns["seen"][-1]

    def assertSage(self, value, expected, type_name: str):
        self.assertEqual(type(value).__name__, type_name, value)
        self.assertEqual(value, expected)

    # sliders

    def test_a_rational_step_lists_its_values_as_sagemathcell_shows_them(self):
        self.cell("@interact\ndef f(a=slider(0, 1, 1/10), b=slider(0, 1, 1/3, default=0.7)):\n    seen.append((a, b))\n")
        c = self.controls("f")
        self.assertEqual((c["a"]["values"], c["a"]["default"]), (["0", "1/10", "1/5", "3/10", "2/5", "1/2", "3/5", "7/10", "4/5",
                                                                  "9/10", "1"], 0))
        self.assertEqual((c["b"]["values"], c["b"]["default"]), (["0", "1/3", "2/3", "1"], 2))
        for index, expected in ((3, "3/10"), (7, "7/10"), (10, "1")):
            self.update("f", {"a": index})
            self.assertSage(self.last()[0], self.sage.QQ(expected), "Rational")
        self.assertSage(self.last()[1], self.sage.QQ(2) / 3, "Rational")
        self.assertEqual(sum(self.last()), self.sage.QQ(5) / 3)  # Sage arithmetic, exactly

    def test_other_sage_steps_stay_numeric_and_exact(self):
        self.cell("@interact\ndef f(a=slider(0, 10^6, 1/10), b=slider(0, 1, 0.25), c=(0, 1/2)):\n    seen.append((a, b, c))\n")
        c = self.controls("f")
        self.assertEqual([(c[n]["min"], c[n]["max"], c[n]["step"]) for n in "abc"], [(0, 10 ** 6, 0.1), (0, 1, 0.25), (0, 0.5, 0.005)])
        self.update("f", {"a": 0.3, "b": 0.75, "c": 0.015})
        a, b, cc = self.last()
        self.assertSage(a, self.sage.QQ(3) / 10, "Rational")  # 3 * 1/10, not 0.30000000000000004
        self.assertSage(b, self.sage.RR(0.75), "RealNumber")
        self.assertSage(cc, self.sage.QQ(3) / 200, "Rational")
        self.update("f", {"a": 10 ** 6})
        self.assertSage(self.last()[0], 10 ** 6, "Integer")  # the bound itself

    def test_slider_default_snaps_to_the_closest_sage_value(self):
        self.cell("@interact\ndef f(a=slider(2, 5, 3/17, 3, 'alpha')):\n    seen.append(a)\n")
        self.assertSage(self.last(), self.sage.QQ(52) / 17, "Rational")  # SageMathCell's own example
        self.assertEqual(self.controls("f")["a"]["label"], "alpha")

    def test_slider_over_srange_gives_the_lists_own_elements(self):
        self.cell("vals = srange(0, 1, 1/4)\n@interact\ndef f(a=slider(vals, default=1/2), b=range_slider(vals)):\n"
                  "    seen.append((a, b))\n")
        c = self.controls("f")
        self.assertEqual((c["a"]["values"], c["a"]["default"], c["b"]["default"]), (["0", "1/4", "1/2", "3/4"], 2, [0, 3]))
        self.update("f", {"a": 3, "b": [1, 2]})
        a, b = self.last()
        self.assertIs(a, self.ns["vals"][3])
        self.assertEqual(b, (self.ns["vals"][1], self.ns["vals"][2]))

    def test_range_slider_with_sage_bounds(self):
        self.cell("@interact\ndef f(r=range_slider(0, 1, 1/4, default=(1/4, 3/4))):\n    seen.append(r)\n")
        self.assertEqual(self.controls("f")["r"]["default"], [1, 3])
        self.update("f", {"r": [3, 2]})
        lo, hi = self.last()
        self.assertSage(lo, self.sage.QQ(1) / 2, "Rational")
        self.assertSage(hi, self.sage.QQ(3) / 4, "Rational")

    def test_camelcase_sliders(self):
        self.cell("@interact\ndef f(a=Slider(0, 10, 1/2, default=3), b=Slider(1, 5, range=True),\n"
                  "      c=DiscreteSlider([1, 1/2, 1/3, 1/4], default=0.3), d=DiscreteSlider(srange(5), range_slider=True),\n"
                  "      e=ContinuousSlider((0, 2), stepsize=1/2), g=ContinuousSlider(interval=(0, 1), range_slider=True)):\n"
                  "    seen.append((a, b, c, d, e, g))\n")
        c = self.controls("f")
        self.assertEqual((len(c["a"]["values"]), c["b"]["type"], c["c"]["default"], c["d"]["type"]), (21, "range_slider", 2, "range_slider"))
        self.assertEqual((c["e"]["step"], c["g"]["step"], c["g"]["default"]), (0.5, 0.004, [0, 1]))  # 250 steps
        a, b, cc, d, e, g = self.last()
        self.assertSage(a, 3, "Rational")
        self.assertSage(b[1], 5, "Integer")
        self.assertSage(cc, self.sage.QQ(1) / 3, "Rational")
        self.assertEqual(d, (0, 4))
        self.assertSage(e, 0, "RealNumber")
        self.update("f", {"a": 15, "e": 1.5, "g": [0.25, 0.5]})
        a, _, _, _, e, g = self.last()
        self.assertSage(a, self.sage.QQ(15) / 2, "Rational")
        self.assertSage(e, self.sage.RR(1.5), "RealNumber")
        self.assertEqual([type(v).__name__ for v in g], ["RealNumber", "RealNumber"])

    # boxes

    def test_an_input_box_evaluates_with_sage_eval(self):
        self.cell("@interact\ndef f(a=input_box(1/2, label='a'), t=input_box('2/3'), s=input_box(5, type=str),\n"
                  "      q=input_box(1, type=QQ)):\n    seen.append((a, t, s, q))\n")
        c = self.controls("f")
        self.assertEqual([c[n]["default"] for n in "atsq"], ["1/2", "2/3", "5", "1"])
        self.update("f", {"a": "2/3", "t": "2/3", "s": "2/3", "q": "6/4"})
        a, t, s, q = self.last()
        self.assertSage(a, self.sage.QQ(2) / 3, "Rational")  # typed 2/3: a Rational, not 0.666...
        # A string default's text is evaluated too unless type=str (SageMathCell's input_box).
        self.assertSage(t, self.sage.QQ(2) / 3, "Rational")
        self.assertEqual(s, "2/3")
        self.assertSage(q, self.sage.QQ(3) / 2, "Rational")
        self.update("f", {"a": "x^2 + 1"})
        self.assertEqual(str(self.last()[0]), "x^2 + 1")
        self.assertEqual(self.last()[0](x=2), 5)

    def test_camelcase_boxes(self):
        self.cell("@interact\ndef f(a=InputBox('hi', width=20), b=InputBox(2/3), c=InputBox('7', adapter=ZZ),\n"
                  "      d=ExpressionBox(), e=ExpressionBox('x^2', height=3, adapter=lambda v: v.derivative(x))):\n"
                  "    seen.append((a, b, c, d, e))\n")
        c = self.controls("f")
        self.assertEqual((c["a"]["width"], c["b"]["default"], c["d"]["default"], c["e"]["height"]), (20, "2/3", "0", 3))
        a, b, cc, d, e = self.last()
        self.assertEqual((a, b), ("hi", "2/3"))  # InputBox gives the text (SageMathCell's)
        self.assertSage(cc, 7, "Integer")
        self.assertSage(d, 0, "Integer")
        self.assertEqual(str(e), "2*x")
        self.update("f", {"d": "3/4 + 1/4", "e": "sin(x)"})
        self.assertSage(self.last()[3], 1, "Rational")
        self.assertEqual(str(self.last()[4]), "cos(x)")

    # grids

    def test_input_grid_entries_are_sage_values(self):
        self.cell("@interact\ndef f(m=input_grid(2, 2, default=[[1, 7], [3, 4]], label='M=', to_value=matrix),\n"
                  "      v=input_grid(2, 1, default=[1, 2], to_value=matrix)):\n    seen.append((m, v))\n")
        self.assertEqual(self.controls("f")["m"]["default"], [["1", "7"], ["3", "4"]])
        self.update("f", {"m": [["1/2", "0"], ["0", "2^3"]]})
        m, v = self.last()
        self.assertEqual(m.base_ring(), self.sage.QQ)
        self.assertEqual(m.list(), [self.sage.QQ(1) / 2, 0, 0, 8])
        self.assertEqual(v.dimensions(), (2, 1))

    def test_camelcase_input_grid(self):
        self.cell("@interact\ndef f(a=InputGrid(2, 2, default=0, adapter=matrix), b=InputGrid(1, 3, default=['a', 'b', 'c'], evaluate=False),\n"
                  "      c=InputGrid(1, 2, default=[[1, 2]], element_adapter=lambda e: e * 10)):\n    seen.append((a, b, c))\n")
        self.assertEqual(self.controls("f")["a"]["width"], 5)
        self.update("f", {"a": [["1", "2"], ["3", "4"]], "b": [["x", "1/2", "y"]], "c": [["1/5", "3"]]})
        a, b, c = self.last()
        self.assertEqual((a.det(), a.base_ring()), (-2, self.sage.ZZ))
        self.assertEqual(b, [["x", "1/2", "y"]])  # evaluate=False: the text
        self.assertEqual(c, [[2, 30]])

    def test_matrix_and_vector_defaults_become_grids_over_the_same_ring(self):
        self.cell("@interact\ndef f(A=matrix(QQ, [[1, 2], [3, 4]]), B=matrix(GF(7), 2, 3, range(6)),\n"
                  "      v=vector(GF(5), [1, 2, 3]), w=vector([1/2, 1])):\n    seen.append((A, B, v, w))\n")
        c = self.controls("f")
        self.assertEqual((c["A"]["type"], c["A"]["default"]), ("input_grid", [["1", "2"], ["3", "4"]]))
        self.assertEqual((c["B"]["rows"], c["B"]["cols"], c["v"]["rows"], c["v"]["cols"]), (2, 3, 1, 3))
        self.assertEqual(c["w"]["default"], [["1/2", "1"]])
        self.update("f", {"A": [["1/3", "0"], ["0", "1"]], "B": [["7", "8", "9"], ["10", "11", "12"]],
                          "v": [["6", "7", "8"]], "w": [["1/4", "2"]]})
        A, B, v, w = self.last()
        self.assertEqual((A.parent(), A[0, 0]), (self.sage.MatrixSpace(self.sage.QQ, 2, 2), self.sage.QQ(1) / 3))
        self.assertEqual((B.base_ring(), B.list()), (self.sage.GF(7), [0, 1, 2, 3, 4, 5]))
        self.assertEqual((v.parent(), list(v)), (self.sage.VectorSpace(self.sage.GF(5), 3), [1, 2, 3]))
        self.assertEqual((w.base_ring(), w[0]), (self.sage.QQ, self.sage.QQ(1) / 4))

    # choices, colors, text, buttons

    def test_selectors_with_sage_values(self):
        self.cell("@interact\ndef f(R=selector([ZZ, QQ, GF(17), RDF, RR]), n=selector([(2, 'second'), (3, 'third')], default=3, buttons=True),\n"
                  "      r=Selector(['a', 'b', 'c'], selector_type='radio'), g=Selector(srange(6), default=4, selector_type='button', ncols=3),\n"
                  "      k=checkbox(False), K=Checkbox()):\n    seen.append((R, n, r, g, k, K))\n")
        c = self.controls("f")
        self.assertEqual((c["R"]["values"], c["R"]["style"]), (["Integer Ring", "Rational Field", "Finite Field of size 17",
                                                               "Real Double Field", "Real Field with 53 bits of precision"], "dropdown"))
        self.assertEqual((c["n"]["values"], c["n"]["default"], c["n"]["style"]), (["second", "third"], 1, "buttons"))
        self.assertEqual((c["r"]["style"], c["g"]["style"], c["g"]["nrows"], c["g"]["ncols"], c["g"]["default"]), ("radio", "buttons", 2, 3, 4))
        self.assertEqual((c["k"]["default"], c["K"]["default"]), (False, True))
        self.update("f", {"R": 2, "g": 5, "k": True})
        R, n, r, g, k, K = self.last()
        self.assertEqual((R, n, r, k, K), (self.sage.GF(17), 3, "a", True, True))
        self.assertSage(g, 5, "Integer")

    def test_colors_are_sage_colors(self):
        self.cell("@interact\ndef f(a=Color('red'), b=color_selector(Color(0, 0.5, 0.25)), c=color_selector('purple'),\n"
                  "      d=ColorSelector(), e=ColorSelector('#abcdef', sage_color=False), h=input_box('#00ff00', type=Color)):\n"
                  "    seen.append((a, b, c, d, e, h))\n")
        c = self.controls("f")
        self.assertEqual([c[n]["type"] for n in "abcdeh"], ["color"] * 6)
        self.assertEqual([c[n]["default"] for n in "abde"], ["#ff0000", "#007f3f", "#000000", "#abcdef"])  # Sage's html_color
        self.update("f", {"a": "#0000ff", "e": "#123456"})
        a, b, _, d, e, h = self.last()
        Color = self.sage.Color
        self.assertIs(self.ns["Color"], Color)  # Sage's own, for plots
        self.assertTrue(all(isinstance(v, Color) for v in (a, b, d, h)))
        self.assertEqual((a, a.html_color(), e), (Color("blue"), "#0000ff", "#123456"))
        self.cell("p = plot(x^2, color=seen[-1][0])")  # Sage's plot takes what the selector gives

    def test_text_html_and_buttons(self):
        self.cell("total = 0\n@interact\ndef f(t=text_control('Pick <i>one</i>'), h=HtmlBox('<h3>Title</h3><p>Some <b>bold</b> text</p>'),\n"
                  "      b=Button(text='Increment', default=0, value=1), bb=ButtonBar([(1, '+1'), (-1, '-1')], default=0),\n"
                  "      p=button('Go', value=1/2, default=0), q=button_bar([1/3, 2/3], ncols=1)):\n"
                  "    global total\n    total += b + bb\n    seen.append((t, h, b, bb, p, q))\n")
        c = self.controls("f")
        self.assertEqual((c["t"]["type"], c["t"]["text"], c["t"]["html"], c["t"]["label"]),
                         ("text", "Pick one", "Pick <i>one</i>", ""))  # SageMathCell's text_control is HTML
        self.assertEqual((c["h"]["type"], c["h"]["label"], c["h"]["text"], c["h"]["html"]),
                         ("text", "", "Title\nSome bold text", "<h3>Title</h3><p>Some <b>bold</b> text</p>"))
        self.assertEqual((c["b"]["text"], c["bb"]["values"], c["q"]["values"], c["q"]["nrows"]), ("Increment", ["+1", "-1"], ["1/3", "2/3"], 2))
        self.update("f", {"b": True})
        self.update("f", {"b": True})
        self.update("f", {"bb": 1})
        self.update("f", {"p": True, "q": 1})
        self.assertEqual(self.ns["total"], 1)
        t, h, b, bb, p, q = self.last()
        self.assertEqual((t, h, b, bb), ("Pick <i>one</i>", "<h3>Title</h3><p>Some <b>bold</b> text</p>", 0, 0))
        self.assertSage(p, self.sage.QQ(1) / 2, "Rational")
        self.assertSage(q, self.sage.QQ(2) / 3, "Rational")

    def test_update_button_is_the_pages_update(self):
        self.cell("@interact(layout=[['n', 'go']])\ndef f(n=(0, 10), go=UpdateButton(text='Compute', value='pressed', default='first')):\n"
                  "    seen.append((n, go))\n")
        spec = self.spec("f")
        self.assertFalse(spec["auto_update"])
        self.assertEqual([c["name"] for c in spec["controls"]], ["n"])
        self.assertEqual(spec["layout"]["top"], [["n"]])
        self.update("f", {"n": 4})
        self.assertEqual(self.ns["seen"], [(0, "first"), (4, "pressed")])

    # automatic controls

    def test_automatic_controls_from_sage_defaults(self):
        self.cell("@interact\ndef f(a=(0, 10), b=(0, 1, 1/4), c=(1..5), d=(0, pi), e=2/3, g=x^2, h=5, k='text', m=True,\n"
                  "      n=[1, 2, 3], p=srange(0, 1, 1/8), q=(1/2, 2/3, 3/4, 1), r=['Go'], s=None):\n"
                  "    seen.append(dict(a=a, b=b, c=c, d=d, e=e, g=g, h=h, k=k, m=m, n=n, p=p, q=q, r=r, s=s))\n")
        c = self.controls("f")
        self.assertEqual({n: c[n]["type"] for n in c}, {
            "a": "slider", "b": "slider", "c": "slider", "d": "slider", "e": "input_box", "g": "input_box",
            "h": "input_box", "k": "input_box", "m": "checkbox", "n": "selector", "p": "selector", "q": "slider",
            "r": "button", "s": "input_box"})
        self.assertEqual((c["a"]["step"], c["b"]["values"], c["c"]["values"], c["d"]["max"]),
                         (1, ["0", "1/4", "1/2", "3/4", "1"], ["1", "2", "3", "4", "5"], 3.141592653589793))
        self.assertEqual((c["e"]["default"], c["g"]["default"], c["h"]["default"], c["p"]["style"], c["q"]["values"][0]),
                         ("2/3", "x^2", "5", "dropdown", "1/2"))
        v = self.last()
        self.assertSage(v["a"], 0, "Integer")
        self.assertSage(v["e"], self.sage.QQ(2) / 3, "Rational")
        self.assertEqual((str(v["g"]), v["h"], v["k"], v["s"]), ("x^2", 5, "text", None))
        self.update("f", {"a": 7, "b": 2, "c": 4, "d": 0.5, "e": "1/3", "g": "x^3", "h": "5/2", "p": 3, "q": 2, "s": "2^100"})
        v = self.last()
        self.assertSage(v["a"], 7, "Integer")
        self.assertSage(v["b"], self.sage.QQ(1) / 2, "Rational")
        self.assertSage(v["c"], 5, "Integer")
        self.assertEqual(type(v["d"]).__name__, "RealNumber")
        self.assertSage(v["e"], self.sage.QQ(1) / 3, "Rational")
        self.assertSage(v["h"], self.sage.QQ(5) / 2, "Rational")  # a Sage number default is an expression box
        self.assertSage(v["p"], self.sage.QQ(3) / 8, "Rational")
        self.assertSage(v["q"], self.sage.QQ(3) / 4, "Rational")
        self.assertSage(v["s"], 2 ** 100, "Integer")
        self.assertEqual(str(v["g"]), "x^3")

    def test_label_and_default_tuples(self):
        self.cell("@interact\ndef f(a=('Size', (0, 10)), b=(5, (1..10)), c=('Pick', (3/4, [1/4, 1/2, 3/4])), d=(1/2, srange(0, 1, 1/4)),\n"
                  "      e=('Matrix', matrix(ZZ, [[1]])), g=('Colour', Color('teal'))):\n    seen.append((a, b, c, d, e, g))\n")
        c = self.controls("f")
        self.assertEqual([(c[n]["type"], c[n]["label"]) for n in "abcdeg"], [
            ("slider", "Size"), ("slider", "b"), ("selector", "Pick"), ("selector", "d"), ("input_grid", "Matrix"), ("color", "Colour")])
        self.assertEqual((c["b"]["default"], c["c"]["default"], c["d"]["default"]), (4, 2, 2))
        a, b, cc, d, e, g = self.last()
        self.assertSage(b, 5, "Integer")
        self.assertSage(cc, self.sage.QQ(3) / 4, "Rational")
        self.assertSage(d, self.sage.QQ(1) / 2, "Rational")
        self.assertEqual(e.base_ring(), self.sage.ZZ)

    # interact forms

    def test_every_interact_form(self):
        self.cell("def g(a, b=2):\n    seen.append(('g', a, b))\n"
                  "returned = interact(g, a=slider(srange(1, 4)), b=(1/2, 1))\n"
                  "@interact\ndef plain(n=(0, 5)):\n    seen.append(('plain', n))\n"
                  "@interact(layout={'left': [['n']], 'bottom': [['m']]}, auto_update=False)\ndef args(n=(0, 5), m=(1..3)):\n"
                  "    seen.append(('args', n, m))\n"
                  "@interact([('x0', (0, 1, 1/2)), ('x1', ('Second', [1/2, 1/3]))])\ndef listed(**kw):\n    seen.append(('listed', kw))\n"
                  "@interact\ndef old(n=(1, 3), auto_update=False):\n    seen.append(('old', n, auto_update))\n"
                  "@interact(update=['n'])\ndef some(n=(1, 3), m=(0, 1)):\n    seen.append(('some', n, m))\n")
        seen = self.ns["seen"]
        self.assertEqual(seen[:4], [("g", 1, self.sage.QQ(1) / 2), ("plain", 0), ("args", 0, 1),
                                    ("listed", {"x0": 0, "x1": self.sage.QQ(1) / 2})])
        self.assertEqual(seen[4:], [("old", 1, False), ("some", 1, 0)])
        self.assertEqual(self.spec("args")["layout"], {"top": [], "bottom": [["m"]], "left": [["n"]], "right": []})
        self.assertEqual([self.spec(n)["auto_update"] for n in ("g", "plain", "args", "listed", "old", "some")],
                         [True, True, False, True, False, False])
        self.assertEqual(self.controls("listed")["x1"]["label"], "Second")
        self.update("listed", {"x0": 2, "x1": 1})  # the index of 1 in 0, 1/2, 1
        self.assertEqual(seen[-1], ("listed", {"x0": 1, "x1": self.sage.QQ(1) / 3}))
        self.assertEqual(type(seen[-1][1]["x0"]).__name__, "Rational")  # srange's values are all in QQ
        self.assertIs(self.ns["returned"], self.ns["g"])  # interact returns the function itself
        self.assertEqual(self.ns["plain"](3), None)
        self.assertEqual(seen[-1], ("plain", 3))

    def test_sagemathcell_layout_with_output_row(self):
        self.cell("@interact(layout=[[('a', 1), ('b', 1)], [('_output', 1)], [('c', 1)]])\n"
                  "def f(a=(0, 1), b=(0, 2), c=Color('red'), d=True):\n    pass\n")
        self.assertEqual(self.spec("f")["layout"], {"top": [["a", "b"], ["d"]], "bottom": [["c"]], "left": [], "right": []})

    def test_nested_interacts_with_sage_values(self):
        self.cell("@interact\ndef outer(n=(1..4)):\n"
                  "    @interact(controls=[('c%d' % i, (0, 1, 1/n)) for i in range(n)])\n"
                  "    def inner(**cs):\n        seen.append((n, sum(cs.values())))\n")
        outer = self.spec("outer")
        inner = self.spec("inner")
        self.assertEqual([c["name"] for c in inner["controls"]], ["c0"])
        self.assertEqual([tags for b, tags in self.published if api.MIME in b], [[], [outer["id"]]])
        self.update("outer", {"n": 1})  # the index of 2 in (1..4)
        inner2 = self.spec("inner")
        self.assertEqual(([c["name"] for c in inner2["controls"]], inner2["controls"][0]["values"]), (["c0", "c1"], ["0", "1/2", "1"]))
        with self.assertRaises(api.InteractGone):
            api.update(inner["id"], {"c0": 1})
        api.update(inner2["id"], {"c0": 1, "c1": 1})
        n, total = self.ns["seen"][-1]
        self.assertSage(n, 2, "Integer")
        self.assertSage(total, 1, "Rational")  # 1/2 + 1/2, in Sage

    def test_a_first_argument_without_default_is_the_interact_proxy(self):
        self.cell("@interact\ndef f(self, n=(1..3), out=HtmlBox('start')):\n"
                  "    seen.append((self.n, self.out, sorted(dir(self))))\n"
                  "    self.out = '<b>%s</b>' % (n^2)\n"
                  "    seen.append(self.out)\n")
        c = self.controls("f")
        self.assertEqual(list(c), ["n", "out"])  # self is not a control
        self.update("f", {"n": 2})
        self.assertEqual(self.ns["seen"], [(1, "start", ["n", "out"]), "<b>1</b>", (3, "<b>1</b>", ["n", "out"]), "<b>9</b>"])
        shown = [(b["text/html"], tags) for b, tags in self.published if "text/html" in b]
        self.assertEqual(shown, [("<b>1</b>", [self.spec("f")["id"]]), ("<b>9</b>", [self.spec("f")["id"]])])
        self.cell("@interact\ndef g(self, n=(1, 3)):\n    self.m = 1\n")
        self.assertEqual(self.errors, [(self.spec("g")["id"], "AttributeError")])

    def test_slider_counts_in_sage_integers(self):
        self.cell("@interact\ndef f(a=slider(5), b=slider(0, 100, 5)):\n    seen.append((a, b))\n")
        self.update("f", {"a": 3, "b": 42})
        a, b = self.last()
        self.assertSage(a, 3, "Integer")
        self.assertSage(b, 40, "Integer")

    # reader input is code: it runs only where the function's values are computed

    def test_reader_input_is_evaluated_only_in_the_interacts_run(self):
        self.ns["tags_at_evaluation"] = tags = []
        self.ns["current_tags"] = lambda: list(self.running)
        self.cell("@interact\ndef f(a=1):\n    seen.append(a)\n")
        it_id = self.spec("f")["id"]
        api._interacts[it_id].receive({"a": "tags_at_evaluation.append(current_tags()) or 7"})
        self.assertEqual(tags, [])  # receiving (constraining) evaluates nothing
        self.update("f", {"a": "tags_at_evaluation.append(current_tags()) or 7"})
        self.assertEqual((tags, self.last()), ([[it_id]], 7))

    def test_hostile_expressions_are_the_interacts_errors(self):
        with tempfile.TemporaryDirectory() as tmp:
            marker = os.path.join(tmp, "ran")
            self.cell("@interact\ndef f(a=2/3, m=matrix(QQ, [[1]])):\n    seen.append(a)\n")
            # Sage evaluates what the reader types, as SageMathCell does: it is the reader's own code,
            # run in the reader's own sandbox, inside the interact's run (never when received).
            it_id = self.spec("f")["id"]
            api._interacts[it_id].receive({"a": f"__import__('os').system('touch {marker}')"})
            self.assertFalse(os.path.exists(marker))
            for text in ("1/0", "undefined_name + 1", "2 +", "raise_here(", "[][5]"):
                self.assertFalse(self.update("f", {"a": text}), text)
            self.assertFalse(self.update("f", {"a": "2/3", "m": [["import os"]]}))
            self.assertEqual([e for _, e in self.errors], ["ZeroDivisionError", "NameError", "SyntaxError", "SyntaxError",
                                                           "IndexError", "SyntaxError"])
            self.assertTrue(all(i == it_id for i, _ in self.errors))
            self.assertTrue(self.update("f", {"a": "3/4", "m": [["1/2"]]}))  # the interact lives on
            self.assertSage(self.last(), self.sage.QQ(3) / 4, "Rational")

    def test_a_huge_computation_is_stopped_by_the_limit_inside_the_run(self):
        """2^(10^10) takes seconds and a gigabyte: in a session the CPU limit stops it. Here an
        alarm stands in for the limit: the interrupt reaches the update (as the engine expects),
        and the interact still works afterwards."""
        from cysignals.alarm import AlarmInterrupt, alarm, cancel_alarm

        self.cell("@interact\ndef f(a=2/3):\n    seen.append(a)\n")
        try:
            alarm(0.2)
            with self.assertRaises(AlarmInterrupt):
                self.update("f", {"a": "2^(10^10)"})
        finally:
            cancel_alarm()
        self.assertEqual(self.running, [])
        self.assertTrue(self.update("f", {"a": "2^10"}))
        self.assertSage(self.last(), 1024, "Integer")



class SageSessionThroughTheRunner(unittest.TestCase):
    """A real session (runner.py --no-isolation) with sage.all preloaded, as the Sage kernel's
    zygote does: descriptions are plain JSON, updates give Sage values, and what a reader types
    is evaluated in the session's own process under the update's CPU limit. (The cells are in
    Python syntax: the Sage kernel's preparser is not part of this runner.)"""

    def setUp(self):
        if importlib.util.find_spec("sage") is None:
            self.skipTest("Sage is not installed for this python")
        from testing_session import LocalSession

        self.session = LocalSession(preload="sage.all", accept_timeout=180)
        self.addCleanup(self.session.close)

    def test_updates_give_sage_values_and_reader_input_stays_in_the_session(self):
        from testing_session import of_type, text

        conn = self.session.conn
        msgs = conn.execute(
            "import os\nfrom sage.all import Integer, QQ, matrix, Color\n"
            "print(os.getpid())\n"
            "@interact\n"
            "def f(a=slider(Integer(0), Integer(1), Integer(1)/Integer(10)), m=matrix(QQ, [[1, 2], [3, 4]]),\n"
            "      e=Integer(2)/3, c=Color('red')):\n"
            "    print(repr(a), type(a).__name__, m.base_ring(), m[0, 0], repr(e), type(e).__name__, c.html_color())\n")
        pid, first = text(msgs).splitlines()
        self.assertEqual(first, "0 Rational Rational Field 1 2/3 Rational #ff0000")
        spec = [d["data"][api.MIME] for d in of_type(msgs, "display_data")][0]
        self.assertEqual([c["type"] for c in spec["controls"]], ["slider", "input_grid", "input_box", "color"])
        up = conn.update(spec["id"], {"a": 3, "m": [["1/2", "0"], ["0", "1"]], "e": "__import__('os').getpid()",
                                      "c": "#00ff00"})
        self.assertEqual(text(up), f"3/10 Rational Rational Field 1/2 {pid} int #00ff00\n")
        # Python bytecode all the way: a Python-level handler stops it at the limit. (A single long
        # C call, such as printing 2^(10^10), runs on until the service's session-wide CPU watch
        # ends the session, which this runner without a service does not have.)
        up = conn.update(spec["id"], {"e": "sum(i for i in range(10^12))"}, cpu_seconds=1)
        self.assertEqual([e["ename"] for e in of_type(up, "error")], ["LimitExceeded"])
        up = conn.update(spec["id"], {"e": "1/0"})
        self.assertEqual([e["ename"] for e in of_type(up, "error")], ["ZeroDivisionError"])
        self.assertEqual(of_type(up, "execute_reply")[0]["status"], "error")
        up = conn.update(spec["id"], {"e": "5/7"})
        self.assertEqual((text(up), of_type(up, "error")), ("3/10 Rational Rational Field 1/2 5/7 Rational #00ff00\n", []))


if __name__ == "__main__":
    unittest.main()
