"""The interact module on its own (cellar/interact.py): controls with Sage's names and
arguments, automatic controls from defaults, untrusted wire values constrained and converted,
layout forms, nesting, the description's exact shape, and the channel's tags. Outside a session,
as a plain Python program would use it; the session's side is in test_interact_session.py."""

import cellar_path  # noqa: F401 -- lib/exec/python on sys.path, first
import contextlib
import io
import json
import math
import socket
import unittest

import cellar
from cellar import interact as api
from cellar.interact import (Color, button, button_bar, checkbox, color_selector, input_box, input_grid,
                             interact, range_slider, selector, slider, text_control)
from cellar_kernel.channel import Channel
from cellar_kernel.gate import Gate

try:
    import numpy
except ImportError:  # the unit tests run with any python3; the kernel's has numpy
    numpy = None


def quietly(fn, *args, **kwargs):
    """Calls fn with stdout captured (interact prints a note outside a session); returns
    (result, printed text)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(*args, **kwargs)
    return result, out.getvalue()


def made(name: str):
    """The most recent interact of the function named `name`."""
    return [it for it in api._interacts.values() if it.name == name][-1]


class OutsideASession(unittest.TestCase):
    def setUp(self):
        self.assertIsNone(cellar._publisher)

    def test_decorating_runs_once_with_the_defaults_prints_a_note_and_returns_the_function(self):
        calls = []

        def area(w=(1, 10), h=3, unit="cm"):
            calls.append((w, h, unit))
            return w * h

        result, printed = quietly(interact, area)
        self.assertIs(result, area)
        self.assertEqual(calls, [(1, 3, "cm")])
        self.assertIn("Interactive function area with controls w, h, unit", printed)
        self.assertIn("runs once with the defaults", printed)
        self.assertEqual(area(2, 5), 10)  # still the plain function

    def test_every_decorator_form(self):
        seen = []

        def record(**kwargs):
            seen.append(kwargs)

        quietly(interact(layout=[["a"]], auto_update=False), lambda a=1: record(a=a))
        quietly(interact(controls=[("x0", (0, 1)), "x1"]), lambda **kw: record(**kw))
        quietly(interact([("x0", (5, 6))]), lambda **kw: record(**kw))
        quietly(interact, lambda a=1: record(a=a), a=slider(3, 9))
        self.assertEqual(seen, [{"a": 1}, {"x0": 0, "x1": None}, {"x0": 5}, {"a": 3}])

    def test_auto_update_false_as_an_argument_is_sage_notebook_spelling(self):
        seen = []
        quietly(interact, lambda n=(0, 4), auto_update=False: seen.append((n, auto_update)))
        self.assertEqual(seen, [(0, False)])
        it = made("<lambda>")
        self.assertFalse(it.describe()["auto_update"])
        self.assertEqual(list(it.controls), ["n"])

    def test_a_name_given_twice_is_refused(self):
        with self.assertRaisesRegex(ValueError, "named twice"):
            interact(lambda a=1: None, controls=[("a", 2)])


class Controls(unittest.TestCase):
    """Sage's control functions: arguments, defaults, what the page is told."""

    def test_slider_over_a_range(self):
        self.assertEqual(slider(0, 10).describe(), {"min": 0, "max": 10, "step": 1, "default": 0, "display_value": True})
        self.assertEqual(slider(5).describe()["min"], 0)  # slider(vmax): 0..vmax
        s = slider(2, 5, 0.5, default=3.3, label="alpha", display_value=False)
        self.assertEqual(s.describe(), {"min": 2, "max": 5, "step": 0.5, "default": 3.5, "display_value": False})
        self.assertEqual(s.label, "alpha")
        self.assertEqual(slider(0, 1).describe()["step"], 1)  # integer bounds: integers, as Sage
        self.assertEqual(slider(0, 1.0).describe()["step"], 0.01)
        self.assertEqual(slider(10, 0).describe()["min"], 0)

    def test_slider_over_a_list_takes_the_closest_default(self):
        s = slider([1, "x", "abc", 2.5], default="x")
        self.assertEqual(s.describe(), {"values": ["1", "x", "abc", "2.5"], "default": 1, "display_value": True})
        self.assertEqual(s.to_python(2, {}), "abc")
        self.assertEqual(slider(range(10), default=3.7).default, 4)
        self.assertEqual(slider(x * x for x in range(5)).describe()["values"], ["0", "1", "4", "9", "16"])

    def test_slider_refuses_what_cannot_be_a_slider(self):
        with self.assertRaises(ValueError):
            slider(1, 1)
        with self.assertRaises(ValueError):
            slider(0, 10, -1)
        with self.assertRaises(ValueError):
            slider([1])
        with self.assertRaises(TypeError):
            slider(0, math.inf)
        with self.assertRaises(TypeError):
            slider([1, 2], step_size=1)

    def test_range_slider(self):
        r = range_slider(0, 10, default=(7, 3))
        self.assertEqual(r.kind, "range_slider")
        self.assertEqual(r.describe(), {"min": 0, "max": 10, "step": 1, "default": [3, 7], "display_value": True})
        self.assertEqual(r.to_python([3, 7], {}), (3, 7))
        self.assertEqual(range_slider(0, 1, 0.25).default, [0, 1])
        listed = range_slider(["a", "b", "c", "d"], default=("b", "d"))
        self.assertEqual(listed.default, [1, 3])
        self.assertEqual(listed.to_python([1, 3], {}), ("b", "d"))

    def test_input_box_shows_text_and_evaluates_only_a_non_string_default(self):
        text = input_box("2+2", label="expression")
        self.assertEqual(text.describe(), {"default": "2+2", "width": 80, "height": 1})
        self.assertEqual(text.to_python("2+2", {}), "2+2")
        number = input_box(5)
        self.assertEqual(number.default, "5")
        self.assertEqual(number.to_python("x * 2", {"x": 21}), 42)
        self.assertEqual(input_box(2, type=float).to_python("2+3", {}), 5.0)
        self.assertEqual(input_box("7", type=int).to_python("7", {}), 7)  # converted, not evaluated
        with self.assertRaises(ValueError):
            input_box("7", type=int).to_python("3+4", {})
        self.assertEqual(input_box(5, type=str).to_python("1+1", {}), "1+1")
        self.assertEqual(input_box([1, 2]).default, "[1, 2]")
        self.assertIsNone(input_box().to_python("  ", {}))
        self.assertEqual(input_box("a\nb", width=30, height=4).describe(), {"default": "a\nb", "width": 30, "height": 4})
        self.assertIsInstance(input_box("#ff0000", type=Color), api.ColorSelector)

    def test_input_grid(self):
        g = input_grid(2, 2, default=[[1, 0], [0, 1]], label="M")
        self.assertEqual(g.describe(), {"rows": 2, "cols": 2, "default": [["1", "0"], ["0", "1"]], "width": 4})
        self.assertEqual(g.to_python([["1", "2.5"], ["x", "(1, 2)"]], {}), [[1, 2.5], ["x", (1, 2)]])
        self.assertEqual(g.to_python([["1+1", "__import__('os')"], ["", "-3"]], {}),
                         [["1+1", "__import__('os')"], ["", -3]])  # literals only: nothing evaluated
        self.assertEqual(input_grid(1, 3, default=7).default, [["7", "7", "7"]])
        self.assertEqual(input_grid(2, 2, default=[1, 2, 3, 4]).default, [["1", "2"], ["3", "4"]])
        self.assertEqual(input_grid(1, 2, default=[[1, 2]], to_value=lambda rows: sum(rows[0])).to_python([["1", "2"]], {}), 3)
        with self.assertRaises(ValueError):
            input_grid(2, 2, default=[1, 2, 3])
        with self.assertRaises(ValueError):
            input_grid(1000, 1000)
        with self.assertRaises(ValueError):
            input_grid(0, 2)

    def test_checkbox_selector_color_text(self):
        self.assertEqual(checkbox(False, "Points").describe(), {"default": False})
        self.assertEqual(checkbox().default, True)
        s = selector([(1, "one"), (2, "two"), (3, "three")], default=2)
        self.assertEqual(s.describe(), {"values": ["one", "two", "three"], "default": 1, "style": "dropdown",
                                        "nrows": None, "ncols": None})
        self.assertEqual(s.to_python(2, {}), 3)
        self.assertEqual(selector([1, 2, 7], buttons=True).describe()["style"], "buttons")
        self.assertEqual({k: selector([1, 2, 7], nrows=2).describe()[k] for k in ("style", "nrows", "ncols")},
                         {"style": "buttons", "nrows": 2, "ncols": 2})
        self.assertEqual(selector(["a", "b"], selector_type="radio").describe()["style"], "radio")
        with self.assertRaisesRegex(ValueError, "not one of its values"):
            selector([1, 2], default=5)
        self.assertEqual(color_selector().default, "#0000ff")
        self.assertEqual(color_selector((1, 0.5, 0), label="fill").default, "#ff8000")
        self.assertEqual(color_selector("red").default, "#ff0000")
        self.assertEqual(color_selector(Color("#ABCDEF")).to_python("#abcdef", {}), Color("#abcdef"))
        t = text_control("Choose wisely")
        self.assertEqual((t.describe(), t.label), ({"text": "Choose wisely"}, ""))

    def test_buttons_spring_back(self):
        b = button("Increment", value=1, default=0)
        self.assertEqual(b.describe(), {"text": "Increment", "default": False})
        self.assertEqual((b.to_python(True, {}), b.to_python(False, {})), (1, 0))
        self.assertFalse(b.after_run(True))
        bar = button_bar([(1, "+1"), (-1, "-1")], default=0)
        self.assertEqual(bar.describe(), {"values": ["+1", "-1"], "nrows": None, "ncols": None, "default": None})
        self.assertEqual((bar.to_python(None, {}), bar.to_python(1, {})), (0, -1))
        self.assertIsNone(bar.after_run(1))

    def test_color(self):
        c = Color(1, 0.5, 0)
        self.assertEqual((c.html_color(), c.rgb(), list(c), len(c)), ("#ff8000", (1.0, 0.5, 0.0), [1.0, 0.5, 0.0], 3))
        self.assertEqual(Color("#f80"), Color("#ff8800"))
        self.assertEqual(Color((0, 0, 2)).rgb(), (0.0, 0.0, 1.0))  # clamped
        self.assertEqual(repr(Color("white")), "RGB color (1.0, 1.0, 1.0)")
        with self.assertRaises(ValueError):
            Color("crayon")


class SageMathCellClasses(unittest.TestCase):
    """SageMathCell's CamelCase controls, with its constructors' arguments, in a Python session."""

    def test_sliders(self):
        self.assertEqual(api.Slider(0, 10, 2, 5.2, "n").describe(), {"min": 0, "max": 10, "step": 2, "default": 6,
                                                                   "display_value": True})
        self.assertEqual(api.Slider(0, 10, range=True).kind, "range_slider")
        d = api.DiscreteSlider([1, 2.5, 4], default=2.4, display_value=False, label="d")
        self.assertEqual((d.describe(), d.label, d.value(2, {})), ({"values": ["1", "2.5", "4"], "default": 1,
                                                                     "display_value": False}, "d", 4))
        self.assertEqual(api.DiscreteSlider(range(5), range_slider=True).default, [0, 4])
        with self.assertRaises(TypeError):
            api.DiscreteSlider(5)
        c = api.ContinuousSlider((0, 2), stepsize=0.5)
        self.assertEqual((c.describe()["step"], c.value(1.5, {}), type(c.value(1, {}))), (0.5, 1.5, float))
        self.assertEqual(api.ContinuousSlider().describe()["step"], 0.4)  # 250 steps of (0, 100)
        self.assertEqual(api.ContinuousSlider((0, 1), stepsize=5).describe()["step"], 0.004)  # too big: 250 steps
        self.assertEqual(api.ContinuousSlider((0, 1), range_slider=True, adapter=sum).value([0.25, 0.5], {}), 0.75)
        with self.assertRaises(ValueError):
            api.ContinuousSlider((1, 1))

    def test_boxes(self):
        box = api.InputBox("hi", "greeting", 20, 3, keypress=True)
        self.assertEqual((box.describe(), box.label, box.value("1+1", {})), ({"default": "hi", "width": 20, "height": 3}, "greeting", "1+1"))
        self.assertEqual(api.InputBox(5).value("5", {}), "5")  # the text, never evaluated
        self.assertEqual(api.InputBox("7", adapter=int).value("7", {}), 7)
        self.assertEqual(api.InputBox().describe()["width"], None)  # width 0: the page's
        e = api.ExpressionBox()
        self.assertEqual((e.default, e.value("n * 2", {"n": 21})), ("0", 42))
        self.assertEqual(api.ExpressionBox("[1, 2]", adapter=len).value("[1, 2, 3]", {}), 3)
        self.assertIsNone(e.value("   ", {}))

    def test_grids(self):
        g = api.InputGrid(2, 2, default=0, adapter=lambda rows: rows[0][0] + rows[1][1])
        self.assertEqual((g.describe(), g.value([["1+1", "0"], ["0", "n"]], {"n": 5})),
                         ({"rows": 2, "cols": 2, "default": [["0", "0"], ["0", "0"]], "width": 5}, 7))
        self.assertEqual(api.InputGrid(1, 2, ["a", "b"], evaluate=False).value([["x", "1"]], {}), [["x", "1"]])
        self.assertEqual(api.InputGrid(1, 2, element_adapter=str).value([["1", "2*3"]], {}), [["1", "6"]])

    def test_choices_colors_and_buttons(self):
        s = api.Selector(["a", "b", "c"], "b", "radio", label="pick")
        self.assertEqual((s.describe()["style"], s.default, s.label), ("radio", 1, "pick"))
        self.assertEqual(api.Selector([1, 2], selector_type="button", ncols=1).describe()["nrows"], 2)
        self.assertEqual(api.Selector([1, 2], selector_type="anything").describe()["style"], "dropdown")
        self.assertEqual(selector([(5, "Go")], buttons=True).describe(), {"text": "Go", "default": False})
        self.assertEqual(selector([(5, "Go")], buttons=True).value(True, {}), 5)
        self.assertEqual(api.Checkbox(False, "c", raw=False).describe(), {"default": False})
        self.assertEqual(api.ColorSelector().default, "#000000")
        self.assertEqual(api.ColorSelector("red").value("#00ff00", {}), Color("lime"))
        self.assertEqual(api.ColorSelector("red", sage_color=False).value("#00ff00", {}), "#00ff00")
        b = api.Button(0, 1, "Increment", "10em", " ")
        self.assertEqual((b.describe(), b.value(True, {}), b.value(False, {}), b.label), ({"text": "Increment", "default": False}, 1, 0, " "))
        self.assertEqual(api.Button().value(True, {}), "")
        bar = api.ButtonBar([(1, "Increment"), (-1, "Decrement")], default=0, ncols=1)
        self.assertEqual((bar.describe()["values"], bar.describe()["nrows"], bar.value(None, {}), bar.value(1, {})),
                         (["Increment", "Decrement"], 2, 0, -1))

    def test_html_box_shows_its_text_and_carries_its_html(self):
        h = api.HtmlBox("<h3>Title</h3><p>One &amp; <b>two</b></p><script>alert(1)</script>")
        self.assertEqual(h.kind, "text")
        self.assertEqual(h.describe(), {"text": "Title\nOne & two",
                                        "html": "<h3>Title</h3><p>One &amp; <b>two</b></p><script>alert(1)</script>"})
        self.assertEqual((h.label, api.HtmlBox("x", label=None).label), ("", None))
        self.assertEqual(h.value(None, {}), h.html)

    def test_an_update_button_is_the_pages_update_button(self):
        seen = []

        def f(n=(0, 3), go=api.UpdateButton("Compute", value="pressed", default="first")):
            seen.append((n, go))

        quietly(interact, f, layout=[["go", "n"]])
        it = made("f")
        spec = it.describe()
        self.assertFalse(spec["auto_update"])
        self.assertEqual(([c["name"] for c in spec["controls"]], spec["layout"]["top"]), (["n"], [["n"]]))
        self.assertIn("with controls a:", quietly(interact, lambda a=1, u=api.UpdateButton(): None)[1])
        quietly(api.update, it.id, {"n": 2})
        quietly(api.update, it.id, {})
        self.assertEqual(seen, [(0, "first"), (2, "pressed"), (2, "pressed")])

    def test_update_names_the_controls_that_rerun(self):
        quietly(interact, lambda a=1, b=2: None, update=["a", "b"])
        self.assertTrue(made("<lambda>").auto_update)
        quietly(interact(update=["a"]), lambda a=1, b=2: None)
        self.assertFalse(made("<lambda>").auto_update)


class AutomaticControls(unittest.TestCase):
    """What a plain default stands for (Sage's rules)."""

    def kind(self, default):
        control = api.automatic_control(default)
        return control.kind, control.describe()

    def test_tuples_ranges_and_generators_make_sliders(self):
        self.assertEqual(self.kind((0, 10)), ("slider", {"min": 0, "max": 10, "step": 1, "default": 0, "display_value": True}))
        self.assertEqual(self.kind((0, 1, 0.25))[1]["step"], 0.25)
        self.assertEqual(self.kind((1, 2, 3, 4))[1]["values"], ["1", "2", "3", "4"])
        self.assertEqual(self.kind(range(3))[1]["values"], ["0", "1", "2"])
        self.assertEqual(self.kind(iter("ab"))[1]["values"], ["a", "b"])

    def test_lists_make_selectors_buttons_when_few(self):
        self.assertEqual(self.kind([1, 2, 3]), ("selector", {"values": ["1", "2", "3"], "default": 0, "style": "buttons",
                                                             "nrows": None, "ncols": None}))
        self.assertEqual(self.kind(list(range(6)))[1]["style"], "dropdown")
        self.assertEqual(self.kind(["Go"]), ("button", {"text": "Go", "default": False}))

    def test_plain_values(self):
        self.assertEqual(self.kind(True), ("checkbox", {"default": True}))
        self.assertEqual(self.kind("abc"), ("input_box", {"default": "abc", "width": None, "height": 1}))
        self.assertEqual(self.kind(Color("red")), ("color", {"default": "#ff0000"}))
        self.assertEqual(self.kind(None), ("input_box", {"default": "", "width": None, "height": 1}))
        number = api.automatic_control(5)
        self.assertEqual(number.to_python("7.9", {}), 7)  # evaluated, then made an int like the default
        self.assertEqual(api.automatic_control(2.5).to_python("1/4", {}), 0.25)
        self.assertIs(api.automatic_control(checkbox(False)).default, False)

    def test_labels_and_defaults_in_tuples(self):
        labelled = api.automatic_control(("Size", (0, 10)))
        self.assertEqual((labelled.kind, labelled.label), ("slider", "Size"))
        self.assertEqual(api.automatic_control((3, (0, 10))).default, 3)
        both = api.automatic_control(("Pick", ("b", ["a", "b", "c"])))
        self.assertEqual((both.kind, both.label, both.default), ("selector", "Pick", 1))
        self.assertEqual(api.automatic_control(("Name", "Ada")).describe()["default"], "Ada")

    @unittest.skipIf(numpy is None, "numpy is not installed for this python")
    def test_numpy_arrays_make_grids(self):
        grid = api.automatic_control(numpy.array([[1.5, 0], [0, 1]]))
        self.assertEqual(grid.describe()["default"], [["1.5", "0.0"], ["0.0", "1.0"]])
        value = grid.to_python([["2", "0"], ["0", "3"]], {})
        self.assertEqual((value.dtype, value.tolist()), (numpy.dtype(float), [[2.0, 0.0], [0.0, 3.0]]))
        self.assertEqual(api.automatic_control(numpy.array([1, 2, 3])).to_python([["4", "5", "6"]], {}).tolist(), [4, 5, 6])


class WireValues(unittest.TestCase):
    """Values from the page are untrusted: a control takes a well-formed one, else keeps its own."""

    def test_sliders_clamp_and_snap(self):
        s = slider(0, 10)
        self.assertEqual([s.constrain(v, 4) for v in (15, -3, 3.4, 7)], [10, 0, 3, 7])
        for bad in ("5", True, None, [5], math.nan, math.inf, {"v": 1}):
            self.assertEqual(s.constrain(bad, 4), 4, bad)
        self.assertEqual(slider(0, 1, 0.1).constrain(0.33, 0), 0.3)
        self.assertEqual(slider(0, 10, 3).constrain(10, 0), 10)  # the end is always reachable
        listed = slider(["a", "b", "c"])
        self.assertEqual([listed.constrain(v, 1) for v in (99, -1, 2.0, 1.5, "1")], [2, 0, 2, 1, 1])
        r = range_slider(0, 10)
        self.assertEqual([r.constrain(v, [1, 2]) for v in ([8, 2], [1], "x", [0, 99], [None, 3])],
                         [[2, 8], [1, 2], [1, 2], [0, 10], [1, 2]])

    def test_text_is_bounded_and_grids_keep_their_shape(self):
        box = input_box("a")
        self.assertEqual(box.constrain("b" * api.MAX_TEXT, "a"), "b" * api.MAX_TEXT)
        self.assertEqual(box.constrain("b" * (api.MAX_TEXT + 1), "a"), "a")
        self.assertEqual(box.constrain(5, "a"), "a")
        g = input_grid(2, 2)
        current = g.default
        self.assertEqual(g.constrain([["1", "2"], [3, 4.5]], current), [["1", "2"], ["3", "4.5"]])
        for bad in ([["1", "2"]], [["1", "2", "3"], ["4", "5", "6"]], [["1", None], ["3", "4"]],
                    [["1", "2"], "34"], [["x" * (api.MAX_GRID_TEXT + 1), "2"], ["3", "4"]], "1,2;3,4"):
            self.assertEqual(g.constrain(bad, current), current, bad)

    def test_choices_colors_and_buttons(self):
        self.assertEqual([checkbox().constrain(v, True) for v in (False, 0, "false", None)], [False, True, True, True])
        s = selector(["a", "b", "c"])
        self.assertEqual([s.constrain(v, 1) for v in (2, 9, -4, "2", 0.5)], [2, 2, 0, 1, 1])
        c = color_selector()
        self.assertEqual([c.constrain(v, "#000000") for v in ("#ABCDEF", "red", "#abc", "#abcdefg", 255)],
                         ["#abcdef", "#000000", "#000000", "#000000", "#000000"])
        self.assertEqual([button().constrain(v, False) for v in (True, "yes", 1)], [True, False, False])
        bar = button_bar(["x", "y"])
        self.assertEqual([bar.constrain(v, None) for v in (1, None, "1", 7)], [1, None, None, 1])

    def test_an_update_converts_well_formed_values_and_ignores_the_rest(self):
        seen = []

        def shapes(n=(0, 10), kind=["circle", "square"], fill=Color("blue"), name="a", big=False, count=3):
            seen.append((n, kind, fill, name, big, count))

        quietly(interact, shapes)
        it = made("shapes")
        quietly(api.update, it.id, {"n": 4, "kind": 1, "fill": "#ff0000", "name": "b", "big": True, "count": "2*4"})
        quietly(api.update, it.id, {"n": "DROP TABLE", "kind": 7, "fill": "javascript:", "zzz": 1, "big": "yes"})
        quietly(api.update, it.id, ["not", "a", "dict"])
        self.assertEqual(seen, [
            (0, "circle", Color("blue"), "a", False, 3),
            (4, "square", Color("red"), "b", True, 8),
            (4, "square", Color("red"), "b", True, 8),  # kind: 7 is clamped to the last index
            (4, "square", Color("red"), "b", True, 8),
        ])

    def test_an_unknown_id_is_gone(self):
        for unknown in ("i999999", None, 5, ["i1"]):
            with self.assertRaises(api.InteractGone):
                api.update(unknown, {})


class Layouts(unittest.TestCase):
    names = ["a", "b", "c", "d"]

    def layout(self, layout):
        return api.normalize_layout(layout, self.names)

    def test_unplaced_controls_go_on_top_one_per_row(self):
        self.assertEqual(self.layout(None), {"top": [["a"], ["b"], ["c"], ["d"]], "bottom": [], "left": [], "right": []})

    def test_a_list_of_rows_is_above_the_output_or_around_its_row(self):
        self.assertEqual(self.layout([["a", "b"], ["c"]]),
                         {"top": [["a", "b"], ["c"], ["d"]], "bottom": [], "left": [], "right": []})
        self.assertEqual(self.layout([["a"], ["_output"], ["b", "c"]]),
                         {"top": [["a"], ["d"]], "bottom": [["b", "c"]], "left": [], "right": []})
        self.assertEqual(self.layout([[("a", 2), None, "b"], "c", [("_output", 1)], [("d", 1)]]),
                         {"top": [["a", "b"], ["c"]], "bottom": [["d"]], "left": [], "right": []})

    def test_a_dict_of_sides(self):
        self.assertEqual(self.layout({"left": [["a"]], "right": ["b", "c"], "bottom": [["d"]]}),
                         {"top": [], "bottom": [["d"]], "left": [["a"]], "right": [["b"], ["c"]]})
        self.assertEqual(self.layout({"top": [["b", "a"]]})["top"], [["b", "a"], ["c"], ["d"]])

    def test_mistakes_are_named(self):
        with self.assertRaisesRegex(ValueError, "'z', which is not a control"):
            self.layout([["a", "z"]])
        with self.assertRaisesRegex(ValueError, "places 'a' twice"):
            self.layout({"top": [["a"]], "left": [["a"]]})
        with self.assertRaisesRegex(ValueError, "unknown side 'middle'"):
            self.layout({"middle": [["a"]]})
        with self.assertRaises(TypeError):
            self.layout("a")


class Nesting(unittest.TestCase):
    def test_a_rerun_forgets_the_interacts_its_previous_run_made(self):
        runs = []

        def outer(n=(1, 3)):
            runs.append(("outer", n))

            @interact
            def inner(k=(0, n)):
                runs.append(("inner", n, k))

        quietly(interact, outer)
        parent = made("outer")
        first_child = made("inner")
        self.assertEqual(parent.children, [first_child.id])
        quietly(api.update, first_child.id, {"k": 1})
        quietly(api.update, parent.id, {"n": 2})
        second_child = made("inner")
        self.assertNotEqual(second_child.id, first_child.id)
        with self.assertRaises(api.InteractGone):
            api.update(first_child.id, {"k": 1})
        quietly(api.update, second_child.id, {"k": 2})
        self.assertEqual(runs, [("outer", 1), ("inner", 1, 0), ("inner", 1, 1), ("outer", 2), ("inner", 2, 0),
                                ("inner", 2, 2)])

    def test_controls_that_depend_on_another_control(self):
        sums = []

        def outer(n=(0, 3)):
            @interact(controls=[(f"x{i}", (0, 10)) for i in range(n)])
            def terms(**xs):
                sums.append((sorted(xs), sum(xs.values())))

        quietly(interact, outer)
        quietly(api.update, made("outer").id, {"n": 2})
        quietly(api.update, made("terms").id, {"x0": 4, "x1": 5})
        self.assertEqual(sums, [([], 0), (["x0", "x1"], 0), (["x0", "x1"], 9)])


class Description(unittest.TestCase):
    def test_the_description_names_every_control_in_argument_order(self):
        def every(a=slider(0, 1, 0.1, default=0.5, label="alpha"), b=slider(["x", "y"], display_value=False),
                  c=range_slider(0, 100, 5, default=(20, 40)), d=input_box("hi", width=20),
                  e=input_grid(2, 2, default=[[1, 0], [0, 1]]), f=checkbox(False, label=""),
                  g=selector(["r", "g"], buttons=True), h=color_selector("#123456"),
                  i=text_control("note"), j=button("Go"), k=button_bar(["+", "-"], ncols=1)):
            pass

        quietly(interact, every, layout={"left": [["b", "c"]]}, auto_update=False)
        spec = made("every").describe()
        spec = json.loads(json.dumps(spec, allow_nan=False))  # it is plain JSON
        self.assertRegex(spec.pop("id"), r"^i\d+$")
        self.assertEqual(spec, {
            "version": 1, "name": "every", "auto_update": False,
            "controls": [
                {"name": "a", "type": "slider", "label": "alpha", "min": 0, "max": 1, "step": 0.1, "default": 0.5,
                 "display_value": True},
                {"name": "b", "type": "slider", "label": "b", "values": ["x", "y"], "default": 0, "display_value": False},
                {"name": "c", "type": "range_slider", "label": "c", "min": 0, "max": 100, "step": 5, "default": [20, 40],
                 "display_value": True},
                {"name": "d", "type": "input_box", "label": "d", "default": "hi", "width": 20, "height": 1},
                {"name": "e", "type": "input_grid", "label": "e", "rows": 2, "cols": 2,
                 "default": [["1", "0"], ["0", "1"]], "width": 4},
                {"name": "f", "type": "checkbox", "label": "", "default": False},
                {"name": "g", "type": "selector", "label": "g", "values": ["r", "g"], "default": 0, "style": "buttons",
                 "nrows": None, "ncols": None},
                {"name": "h", "type": "color", "label": "h", "default": "#123456"},
                {"name": "i", "type": "text", "label": "", "text": "note"},
                {"name": "j", "type": "button", "label": "j", "text": "Go", "default": False},
                {"name": "k", "type": "button_bar", "label": "k", "values": ["+", "-"], "nrows": 2, "ncols": 1,
                 "default": None},
            ],
            "layout": {"top": [["a"], ["d"], ["e"], ["f"], ["g"], ["h"], ["i"], ["j"], ["k"]], "bottom": [],
                       "left": [["b", "c"]], "right": []},
        })

    def test_automatic_labels_off_leaves_controls_unlabelled(self):
        quietly(interact, lambda p=1, q=("Q", 2): None, automatic_labels=False)
        labels = [c["label"] for c in made("<lambda>").describe()["controls"]]
        self.assertEqual(labels, ["", "Q"])


class ChannelTags(unittest.TestCase):
    """Messages sent while an interact runs carry its id (the innermost one's)."""

    def test_tags_become_top_level_metadata(self):
        ours, theirs = socket.socketpair()
        try:
            channel = Channel(ours.fileno(), Gate())
            channel.parent = "m1"
            channel.send("stream", {"name": "stdout", "text": "cell\n"})
            channel.tags.append("i1")
            channel.send("display_data", {"data": {}, "metadata": {}})
            channel.tags.append("i2")
            channel.send("stream", {"name": "stdout", "text": "inner\n"})
            channel.tags.clear()
            channel.send_many([("error", {"ename": "E"}, "i1"), ("execute_reply", {"status": "error"})])
            reader = theirs.makefile("rb")
            lines = [json.loads(reader.readline()) for _ in range(5)]
        finally:
            ours.close()
            theirs.close()
        self.assertEqual([m.get("metadata") for m in lines],
                         [None, {"interact": "i1"}, {"interact": "i2"}, {"interact": "i1"}, None])
        self.assertTrue(all(m["parent"] == "m1" for m in lines))


if __name__ == "__main__":
    unittest.main()
