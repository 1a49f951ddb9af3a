"""Live interacts: Sage-compatible `@interact`, whose controls re-run a function (issue 4).

    @interact
    def plot(n=(1, 10), title="Waves", color=Color("teal"), grid=True):
        ...

Each argument's default defines a control (`automatic_control`), or give one explicitly:
`slider`, `range_slider`, `input_box`, `input_grid`, `checkbox`, `selector`, `color_selector`,
`text_control`, `button`, `button_bar` take Sage's arguments. Decorating sends the interact's
description to the page (a display_data bundle of type application/vnd.cellar.interact+json,
docs/exec.md section 2 "Interacts"), runs the function once with the defaults, and returns the
function. Each change the reader makes comes back as an `interact` request and re-runs it.
These names are pre-imported in every cell, and `from interact import *` works too.

SageMathCell's classes (`Slider`, `DiscreteSlider`, `ContinuousSlider`, `InputBox`, `ExpressionBox`,
`InputGrid`, `Checkbox`, `Selector`, `ColorSelector`, `Button`, `ButtonBar`, `HtmlBox`,
`UpdateButton`) take its constructors' arguments.

The values the page sends back ("wire" values) are untrusted: each control keeps its current
value unless the new one is well-formed (the right JSON type, in range, strings bounded), then
converts it to what the function receives. Only boxes that evaluate (an input box whose default
is not a string, an expression box, an evaluating grid) evaluate their text, as Sage does, in
the function's globals and inside the interact's run; nothing else is ever evaluated.

In a Sage session (sage.all already loaded: this module never imports it) values are Sage's,
as in SageMathCell: text is evaluated with sage_eval, sliders over Sage numbers step exactly,
matrix and vector defaults become grids of the same space, colors are Sage's Color.

Outside a Cellar session the function runs once with its defaults after a one-line note.
"""

import ast
import inspect
import itertools
import math
import numbers
import re
import sys
from collections.abc import Iterator

import cellar

__all__ = ["interact", "slider", "range_slider", "input_box", "input_grid", "checkbox", "selector",
           "color_selector", "text_control", "button", "button_bar", "Color",
           # SageMathCell's classes, with its constructors' arguments
           "Slider", "DiscreteSlider", "ContinuousSlider", "InputBox", "ExpressionBox", "InputGrid", "Checkbox",
           "Selector", "ColorSelector", "Button", "ButtonBar", "HtmlBox", "UpdateButton"]

MIME = "application/vnd.cellar.interact+json"
# Bounds on what a page may send (and on what a control may ask it to show).
MAX_TEXT = 10_000  # characters of an input box
MAX_GRID_TEXT = 1_000  # characters of one input grid entry
MAX_GRID_SIDE = 50  # rows, and columns, of an input grid (the page's schema takes at most 50)
MAX_GRID_ENTRIES = 2_500
MAX_VALUES = 10_000  # values of a slider over a list (Sage takes the first 10,000 of a generator)
MAX_RATIONAL_STEPS = 1_000  # a slider with a Sage rational step lists its values up to this many
SIDES = ("top", "bottom", "left", "right")


class InteractGone(LookupError):
    """An update named an interact that no longer exists (its creator ran again)."""


# ---------------------------------------------------------------------------------------------
# Sage sessions


def _sage():
    """Sage's `sage.all` when this session has loaded it (a Sage session), else None. Never
    imports Sage itself: a Python session stays as it is, and as fast."""
    return sys.modules.get("sage.all")


def _is_sage_element(x) -> bool:
    element = sys.modules.get("sage.structure.element")
    return element is not None and isinstance(x, element.Element)


def _sage_integer(x):
    """A Python int as Sage's Integer (so that slider(5), 0..5, counts in Integers), else x."""
    return _sage().Integer(x) if type(x) is int else x


def _evaluate(text: str, namespace: dict):
    """What a reader typed into a box that evaluates, as Sage does: `sage_eval` (preparsed, so
    2/3 is a Rational and x^2 a power) with the function's globals as locals in a Sage session,
    Python `eval` in the function's globals otherwise. It runs in the reader's own sandbox."""
    sage = _sage()
    if sage is not None:
        return sage.sage_eval(text, locals=namespace)
    return eval(compile(text, "<string>", "eval"), namespace)


# ---------------------------------------------------------------------------------------------
# Controls


class Control:
    """One control: its description for the page, the wire values it accepts, and their Python
    values. `label` None means the argument's name, "" no label."""

    kind = ""
    hidden = False  # not shown among the controls (an UpdateButton is the page's Update)

    def __init__(self, default, label, adapter=None) -> None:
        self.default = default  # the initial wire value
        self.label = None if label is None else str(label)
        self.adapter = adapter  # SageMathCell's: applied to the value the function gets

    def describe(self) -> dict:
        """The type-specific fields of the control's description (docs/exec.md)."""
        return {"default": self.default}

    def constrain(self, wire, current):
        """`wire` if it is a value this control can hold, else `current`."""
        return current

    def to_python(self, wire, namespace: dict):
        """The value for this wire value, before the adapter."""
        return wire

    def value(self, wire, namespace: dict):
        """The value the function receives for this wire value."""
        value = self.to_python(wire, namespace)
        return value if self.adapter is None else self.adapter(value)

    def after_run(self, wire):
        """The wire value the control holds once a run is over (buttons spring back)."""
        return wire

    def __repr__(self) -> str:
        return f"<interact {self.kind} control, label {self.label!r}, default {self.default!r}>"


def _number(x):
    """`x` as an int or float when it is a finite real number (not a bool), else None."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        return None
    if isinstance(x, numbers.Integral):
        return int(x)
    x = float(x)
    return x if math.isfinite(x) else None


def _real(x):
    """(x as an int or float, x itself) for a finite real number, else None. In a Sage session a
    symbolic constant (pi, sqrt(2)) is first approximated numerically, as Sage's interact does."""
    n = _number(x)
    if n is None and _sage() is not None and _is_sage_element(x) and hasattr(x, "numerical_approx"):
        try:
            x = x.numerical_approx()
        except Exception:  # noqa: BLE001 — not a constant (it has variables): not a number
            return None
        n = _number(x)
    return None if n is None else (n, x)


def _index(wire, count: int):
    """`wire` as an index into `count` items (an integral JSON number, clamped), else None."""
    n = _number(wire)
    if n is None or (isinstance(n, float) and not n.is_integer()):
        return None
    return min(max(int(n), 0), count - 1)


def _text_of(value) -> str:
    """The text shown for a non-string default: numbers as they print, anything else as repr
    (so that evaluating it gives the value back)."""
    return str(value) if isinstance(value, numbers.Number) else repr(value)


def _take_values(values) -> list:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"expected a list of values, got {type(values).__name__}")
    taken = list(itertools.islice(iter(values), MAX_VALUES))
    if not taken:
        raise ValueError("the list of values is empty")
    return taken


def _closest_index(values: list, default) -> int:
    """The index of `default` in `values`, else of the value nearest to it, else 0 (as Sage)."""
    if default is None:
        return 0
    for i, v in enumerate(values):
        if v is default:
            return i
    for i, v in enumerate(values):
        try:
            if bool(v == default):
                return i
        except Exception:  # noqa: BLE001 — an ambiguous comparison (arrays) is no match
            pass
    try:
        return min(range(len(values)), key=lambda i: abs(values[i] - default))
    except Exception:  # noqa: BLE001 — values that cannot be compared: the first
        return 0


def _choices(values) -> tuple:
    """(values, labels) from [v, ...] or [(v, label), ...] (every item a pair, as Sage wants)."""
    values = _take_values(values)
    if all(isinstance(v, tuple) and len(v) == 2 for v in values):
        return [v for v, _ in values], [str(label) for _, label in values]
    return values, [str(v) for v in values]


def _grid_shape(count: int, nrows, ncols) -> tuple:
    """(nrows, ncols) of a grid of `count` buttons: None, None lets the page wrap them."""
    if nrows is None and ncols is None:
        return None, None
    if ncols is not None:
        ncols = min(max(int(ncols), 1), count)
        return -(-count // ncols), ncols
    nrows = min(max(int(nrows), 1), count)
    return nrows, -(-count // nrows)


class _Steps:
    """A numeric range [lo, hi] in steps of `step` from lo; hi itself is always allowed.

    The page sees numbers; when the bounds or the step are Sage numbers (a Sage session: the
    preparser makes `slider(0, 1, 1/10)` Integers and a Rational) the function gets
    lo + k * step computed in Sage, so 3/10 is the Rational 3/10, not 0.30000000000000004."""

    def __init__(self, vmin, vmax, step_size) -> None:
        lo, hi = _real(vmin), _real(vmax)
        if lo is None or hi is None:
            raise TypeError(f"slider bounds must be finite real numbers, got {vmin!r} and {vmax!r}")
        if lo[0] == hi[0]:
            raise ValueError(f"slider bounds must differ, got {vmin!r} twice")
        (self.lo, lo_value), (self.hi, hi_value) = sorted((lo, hi), key=lambda pair: pair[0])
        if step_size is None:
            if isinstance(self.lo, int) and isinstance(self.hi, int):
                self.step, step_value = 1, 1
            else:
                self.step, step_value = (self.hi - self.lo) / 100, (hi_value - lo_value) / 100
        else:
            step = _real(step_size)
            if step is None or step[0] <= 0:
                raise ValueError(f"step_size must be a positive number, got {step_size!r}")
            self.step, step_value = step
        self.integer = all(isinstance(x, int) for x in (self.lo, self.hi, self.step))
        self.given_step = step_size is not None
        exact = any(_is_sage_element(x) for x in (lo_value, hi_value, step_value))
        self.exact = tuple(_sage_integer(x) for x in (lo_value, hi_value, step_value)) if exact else None

    def snap(self, x):
        x = min(max(x, self.lo), self.hi)
        if x == self.hi:
            return self.hi
        snapped = min(self.lo + round((x - self.lo) / self.step) * self.step, self.hi)
        if self.integer:
            return int(snapped)
        return float(f"{snapped:.12g}")  # 0.30000000000000004 -> 0.3

    def value(self, wire):
        """The value a (snapped) wire number stands for: itself, or lo + k * step in Sage."""
        if self.exact is None:
            return wire
        lo, hi, step = self.exact
        if wire >= self.hi:
            return hi
        return lo + round((wire - self.lo) / self.step) * step

    def rational_values(self):
        """lo, lo + step, ..., hi when they are Sage rationals with a step (given, not the default
        hundredth) that is not an integer and there are at most MAX_RATIONAL_STEPS of them, else
        None."""
        if self.exact is None or not self.given_step:
            return None
        lo, hi, step = self.exact
        if not all(isinstance(v, numbers.Rational) for v in self.exact) or isinstance(step, numbers.Integral):
            return None
        count = math.floor((hi - lo) / step) + 1
        if count > MAX_RATIONAL_STEPS:
            return None
        values = [lo + k * step for k in range(count)]
        if values[-1] != hi:
            values.append(hi)
        return values

    def fields(self) -> dict:
        return {"min": self.lo, "max": self.hi, "step": self.step}


class _Slider(Control):
    """A slider over a numeric range (wire: the number) or over a list of values (wire: the
    index); with `pair`, a range slider (wire: [lo, hi])."""

    kind = "slider"

    def __init__(self, vmin, vmax=None, step_size=None, default=None, label=None,
                 display_value=True, pair=False, adapter=None) -> None:
        self.pair = pair
        self.kind = "range_slider" if pair else "slider"
        self.display_value = bool(display_value)
        # False: the page sends the value when the reader lets go of the thumb, not while it
        # moves (ipywidgets' continuous_update=False); only then is it in the description.
        self.continuous_update = True
        self.values = self.steps = None
        if vmax is None and _real(vmin) is None:
            if step_size is not None:
                raise TypeError("a slider over a list of values takes no step_size")
            self.values = _take_values(vmin)
            if len(self.values) < 2:
                raise ValueError("a slider needs at least 2 values")
        else:
            if vmax is None:  # slider(5) is 0..5, as in Sage's notebook
                vmin, vmax = 0, vmin
            self.steps = _Steps(vmin, vmax, step_size)
            # Rational steps in Sage: a slider over the values, whose labels are 1/3, 2/3... as
            # SageMathCell shows them (its slider is a DiscreteSlider over srange).
            self.values = self.steps.rational_values()
            if self.values is not None:
                self.steps = None
        if self.values is not None:
            last = len(self.values) - 1
            if pair:
                wire = [0, last] if default is None else sorted(_closest_index(self.values, d) for d in default)
            else:
                wire = _closest_index(self.values, default)
        else:
            if pair:
                wire = [self.steps.lo, self.steps.hi] if default is None else self._pair_of(default, None)
            else:
                wire = self.steps.lo if default is None else self._one(default, None)
            if wire is None:
                raise TypeError(f"slider default must be {'two numbers' if pair else 'a number'}, got {default!r}")
        super().__init__(wire, label, adapter)

    def _one(self, x, current):
        if self.values is not None:
            index = _index(x, len(self.values))
            return current if index is None else index
        n = _real(x)
        return current if n is None else self.steps.snap(n[0])

    def _pair_of(self, x, current):
        if not isinstance(x, (list, tuple)) or len(x) != 2:
            return current
        a, b = self._one(x[0], None), self._one(x[1], None)
        return current if a is None or b is None else sorted([a, b])

    def describe(self) -> dict:
        out = {"values": [str(v) for v in self.values]} if self.values is not None else self.steps.fields()
        out.update(default=self.default, display_value=self.display_value)
        if not self.continuous_update:
            out["continuous_update"] = False
        return out

    def constrain(self, wire, current):
        # Only JSON numbers come from the page: a Sage number here is a default or a test's.
        return self._pair_of(wire, current) if self.pair else self._one(wire, current)

    def to_python(self, wire, namespace):
        if self.values is None:
            return tuple(self.steps.value(w) for w in wire) if self.pair else self.steps.value(wire)
        return tuple(self.values[i] for i in wire) if self.pair else self.values[wire]


class _TextBox(Control):
    """A text box (wire: its text). The function gets the text, or with `evaluate` the text
    evaluated (`_evaluate`; empty text: None); `type` is then applied."""

    kind = "input_box"

    def __init__(self, default=None, label=None, width=None, height=1, evaluate=False, type=None,
                 adapter=None) -> None:
        if default is None:
            text = ""
        elif isinstance(default, str):
            text = default
        else:
            text = _text_of(default)
        self.evaluate = evaluate
        self.type = type
        self.width = None if not width else max(1, int(width))
        self.height = max(1, int(height))
        super().__init__(text, label, adapter)

    def describe(self) -> dict:
        return {"default": self.default, "width": self.width, "height": self.height}

    def constrain(self, wire, current):
        return wire if isinstance(wire, str) and len(wire) <= MAX_TEXT else current

    def to_python(self, wire, namespace):
        value = wire
        if self.evaluate:
            value = None if not wire.strip() else _evaluate(wire.strip(), namespace)
        return value if self.type is None else self.type(value)


class InputBox(_TextBox):
    """SageMathCell's InputBox: the function gets the text as typed (a non-string default is
    shown as its repr), through `adapter` when given. `keypress` is accepted; the page sends
    the text on Enter or when the box loses focus."""

    def __init__(self, default="", label=None, width=0, height=1, keypress=False, adapter=None) -> None:
        super().__init__(default, label, width, height, adapter=adapter)


class ExpressionBox(_TextBox):
    """SageMathCell's ExpressionBox: an input box whose text is evaluated (`sage_eval` in a Sage
    session, in the function's globals), then passed through `adapter` when given."""

    def __init__(self, default="0", label=None, width=0, height=1, adapter=None) -> None:
        super().__init__(default, label, width, height, evaluate=True, adapter=adapter)


def _grid_text(value) -> str:
    return value if isinstance(value, str) else _text_of(value)


def _literal(text: str):
    """A grid entry's value: a Python literal (number, string, tuple...) when it is one, else
    the text itself. Never evaluated as code."""
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return text


class _Grid(Control):
    """A grid of text boxes (wire: rows of strings); the function gets to_value(rows of values).
    Each entry is read by `entries`: "literal" (`_literal`), "evaluate" (`_evaluate`, then
    `element_adapter`) or "text" (the string)."""

    kind = "input_grid"

    def __init__(self, nrows, ncols, default=None, label=None, to_value=None, width=4, entries="literal",
                 element_adapter=None) -> None:
        self.nrows, self.ncols = int(nrows), int(ncols)
        if not (1 <= self.nrows <= MAX_GRID_SIDE and 1 <= self.ncols <= MAX_GRID_SIDE) \
                or self.nrows * self.ncols > MAX_GRID_ENTRIES:
            raise ValueError(f"an input grid has 1 to {MAX_GRID_SIDE} rows and columns and at most "
                             f"{MAX_GRID_ENTRIES} entries, not {nrows} x {ncols}")
        self.to_value = to_value
        self.entries = entries
        self.element_adapter = element_adapter
        self.width = None if not width else max(1, int(width))
        super().__init__(self._rows_of(0 if default is None else default), label)

    def _rows_of(self, default) -> list:
        """Rows of strings from a default: one value for every entry, rows, or a flat list."""
        if hasattr(default, "tolist") and not isinstance(default, (str, numbers.Number)):
            default = default.tolist()  # a numpy array
        if not isinstance(default, (list, tuple)):
            return [[_grid_text(default)] * self.ncols for _ in range(self.nrows)]
        items = list(default)
        if items and all(isinstance(row, (list, tuple)) for row in items):
            if len(items) == self.nrows and all(len(row) == self.ncols for row in items):
                return [[_grid_text(v) for v in row] for row in items]
        elif len(items) == self.nrows * self.ncols:
            return [[_grid_text(items[r * self.ncols + c]) for c in range(self.ncols)] for r in range(self.nrows)]
        raise ValueError(f"input_grid default does not fit {self.nrows} x {self.ncols}: {default!r}")

    def describe(self) -> dict:
        return {"rows": self.nrows, "cols": self.ncols, "default": self.default, "width": self.width}

    def constrain(self, wire, current):
        if not isinstance(wire, list) or len(wire) != self.nrows:
            return current
        rows = []
        for row in wire:
            if not isinstance(row, list) or len(row) != self.ncols:
                return current
            out = []
            for entry in row:
                if _number(entry) is not None:
                    entry = str(entry)
                if not isinstance(entry, str) or len(entry) > MAX_GRID_TEXT:
                    return current
                out.append(entry)
            rows.append(out)
        return rows

    def _entry(self, text: str, namespace):
        if self.entries == "text":
            value = text
        elif self.entries == "evaluate":
            value = _evaluate(text.strip(), namespace)
        else:
            value = _literal(text)
        return value if self.element_adapter is None else self.element_adapter(value)

    def to_python(self, wire, namespace):
        rows = [[self._entry(entry, namespace) for entry in row] for row in wire]
        return rows if self.to_value is None else self.to_value(rows)


class InputGrid(_Grid):
    """SageMathCell's InputGrid: the function gets adapter(rows), each entry evaluated (`sage_eval`
    in a Sage session; evaluate=False: the text) and passed through element_adapter."""

    def __init__(self, nrows=1, ncols=1, default="0", width=5, label=None, evaluate=True, adapter=None,
                 element_adapter=None) -> None:
        super().__init__(nrows, ncols, default, label, adapter, width, "evaluate" if evaluate else "text",
                         element_adapter)


class Checkbox(Control):
    """A checkbox; the function gets True or False. (`raw` is SageMathCell's, and has no effect.)"""

    kind = "checkbox"

    def __init__(self, default=True, label=None, raw=True) -> None:
        super().__init__(bool(default), label)

    def constrain(self, wire, current):
        return wire if isinstance(wire, bool) else current


class _Selector(Control):
    """One of a list of values, as a dropdown, radio buttons or a row of buttons (wire: index)."""

    kind = "selector"

    def __init__(self, values, default=None, style="dropdown", nrows=None, ncols=None, label=None) -> None:
        self.values, self.labels = _choices(values)
        if default is None:
            index = 0
        else:
            index = next((i for i, v in enumerate(self.values) if v is default), None)
            if index is None:
                index = next((i for i, v in enumerate(self.values) if _equal(v, default)), None)
            if index is None:
                raise ValueError(f"selector default {default!r} is not one of its values")
        self.style = style
        self.nrows, self.ncols = (None, None) if style == "dropdown" else _grid_shape(len(self.values), nrows, ncols)
        super().__init__(index, label)

    def describe(self) -> dict:
        return {"values": self.labels, "default": self.default, "style": self.style,
                "nrows": self.nrows, "ncols": self.ncols}

    def constrain(self, wire, current):
        index = _index(wire, len(self.values))
        return current if index is None else index

    def to_python(self, wire, namespace):
        return self.values[wire]


_SELECTOR_TYPES = {"list": "dropdown", "dropdown": "dropdown", "radio": "radio", "button": "buttons",
                   "buttons": "buttons"}


class Selector(_Selector):
    """SageMathCell's Selector: selector_type "list" (a dropdown, also for any unknown type),
    "radio" or "button"; `width` is accepted (the page sizes buttons itself)."""

    def __init__(self, values, default=None, selector_type="list", nrows=None, ncols=None, width="",
                 label=None) -> None:
        super().__init__(values, default, _SELECTOR_TYPES.get(selector_type, "dropdown"), nrows, ncols, label)


def _equal(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001
        return False


def _sage_color_class():
    colors = sys.modules.get("sage.plot.colors")
    return None if _sage() is None or colors is None else colors.Color


def _html_color(value) -> str:
    """"#rrggbb" of anything `Color` takes, or of a color with an html_color() (Sage's)."""
    if hasattr(value, "html_color") and not isinstance(value, (str, tuple, list)):
        return Color(value.html_color()).html_color()
    return Color(value).html_color()


class _ColorChooser(Control):
    """A color chooser (wire: "#rrggbb"); the function gets a color: Sage's `Color` in a Sage
    session, else `cellar.interact.Color`; with sage_color=False, the "#rrggbb" text."""

    kind = "color"
    _HEX = re.compile(r"#[0-9a-fA-F]{6}")

    def __init__(self, default=(0, 0, 1), label=None, sage_color=True) -> None:
        super().__init__(_html_color(default), label)
        self.sage_color = sage_color

    def constrain(self, wire, current):
        return wire.lower() if isinstance(wire, str) and self._HEX.fullmatch(wire) else current

    def to_python(self, wire, namespace):
        if not self.sage_color:
            return wire
        color_class = _sage_color_class()
        return Color(wire) if color_class is None else color_class(wire)


class ColorSelector(_ColorChooser):
    """SageMathCell's ColorSelector (`hide_input` is accepted: the page uses the browser's own
    color input)."""

    def __init__(self, default="#000000", hide_input=False, sage_color=True, label=None) -> None:
        super().__init__(default, label, sage_color)


class TextControl(Control):
    """Plain text among the controls; it has no value (the function gets the text)."""

    kind = "text"

    def __init__(self, value="") -> None:
        super().__init__(None, "")
        self.text = str(value)

    def describe(self) -> dict:
        return {"text": self.text}

    def to_python(self, wire, namespace):
        return self.text


def _plain_text(fragment: str) -> str:
    """The text of an HTML fragment, without its tags, scripts and styles. (html.parser is
    imported here, not with the module: a session that shows no HTML box never pays for it.)"""
    from html.parser import HTMLParser

    class PlainText(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "style"):
                self.skip += 1
            elif tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"):
                self.parts.append("\n")

        def handle_endtag(self, tag):
            if tag in ("script", "style") and self.skip:
                self.skip -= 1

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = PlainText()
    parser.feed(fragment)
    parser.close()
    return re.sub(r"[ \t]*\n\s*", "\n", "".join(parser.parts)).strip()


class HtmlBox(Control):
    """SageMathCell's HtmlBox: HTML among the controls, label "" by default; the function gets
    the HTML text. The page shows it as a `text` control (its plain text), with the HTML itself
    in the description's `html` field."""

    kind = "text"

    def __init__(self, value="", label="") -> None:
        super().__init__(None, label)
        self.html = str(value)

    def describe(self) -> dict:
        return {"text": _plain_text(self.html), "html": self.html}

    def to_python(self, wire, namespace):
        return self.html


class _Button(Control):
    """A push button (wire: true in the update its press causes, else false): the function
    gets `value` when it was pressed, else `default`."""

    kind = "button"

    def __init__(self, default=False, value=True, text="Button", label=None) -> None:
        super().__init__(False, label)
        self.text = str(text)
        self.unpressed, self.pressed = default, value

    def describe(self) -> dict:
        return {"text": self.text, "default": False}

    def constrain(self, wire, current):
        return wire if isinstance(wire, bool) else current

    def to_python(self, wire, namespace):
        return self.pressed if wire else self.unpressed

    def after_run(self, wire):
        return False


class Button(_Button):
    """SageMathCell's Button: `default` when not pressed, `value` in the run its press causes
    (`width` is accepted; the page sizes buttons itself)."""

    def __init__(self, default="", value="", text="Button", width="", label=None) -> None:
        super().__init__(default, value, text, label)


class UpdateButton(_Button):
    """SageMathCell's UpdateButton: the interact re-runs only when it is pressed. It is the
    page's own Update button (the interact's auto_update is off), not a control of its own;
    the function gets `value` in the runs the reader asks for, `default` in the first."""

    hidden = True

    def __init__(self, text="Update", value="", default="", width="", label="") -> None:
        super().__init__(default, value, text, label)

    def constrain(self, wire, current):
        return True  # every update of an interact with an update button is a press of it


class _ButtonBar(Control):
    """A row of push buttons (wire: the index of the one pressed in the update it causes, else
    null): the function gets that button's value, else `default`."""

    kind = "button_bar"

    def __init__(self, values, default=None, nrows=None, ncols=None, label=None) -> None:
        super().__init__(None, label)
        self.values, self.labels = _choices(values)
        self.unpressed = default
        self.nrows, self.ncols = _grid_shape(len(self.values), nrows, ncols)

    def describe(self) -> dict:
        return {"values": self.labels, "nrows": self.nrows, "ncols": self.ncols, "default": None}

    def constrain(self, wire, current):
        return None if wire is None else _index(wire, len(self.values))

    def to_python(self, wire, namespace):
        return self.unpressed if wire is None else self.values[wire]

    def after_run(self, wire):
        return None


class ButtonBar(_ButtonBar):
    """SageMathCell's ButtonBar (`width` is accepted; the page sizes buttons itself)."""

    def __init__(self, values=(0,), default="", nrows=None, ncols=None, width="", label=None) -> None:
        super().__init__(values, default, nrows, ncols, label)


class Slider(_Slider):
    """A slider from vmin to vmax in steps of step_size, or over the values of a list given as
    vmin; `range=True` selects a (lo, hi) range."""

    def __init__(self, vmin, vmax=None, step_size=None, default=None, label=None, display_value=True,
                 range=False) -> None:
        super().__init__(vmin, vmax, step_size, default, label, display_value, pair=range)


class DiscreteSlider(_Slider):
    """SageMathCell's DiscreteSlider: a slider over a list (or the first 10,000 values of a
    generator); the default is the closest value to `default`."""

    def __init__(self, values=(0, 1), default=None, range_slider=False, display_value=True, label=None) -> None:
        if _real(values) is not None:
            raise TypeError(f"DiscreteSlider takes a list of values, not {values!r}")
        super().__init__(values, None, None, default, label, display_value, pair=range_slider)


class ContinuousSlider(_Slider):
    """SageMathCell's ContinuousSlider over interval=(min, max): `stepsize` when it is positive
    and fits in the interval, else the interval in `steps` steps. The function gets real
    numbers: a float, or Sage's RealNumber in a Sage session (a pair with range_slider)."""

    def __init__(self, interval=(0, 100), default=None, steps=250, stepsize=0, label=None, range_slider=False,
                 display_value=True, adapter=None) -> None:
        if not isinstance(interval, (list, tuple)) or len(interval) != 2:
            raise ValueError(f"invalid interval: {interval!r}")
        lo, hi = _real(interval[0]), _real(interval[1])
        if lo is None or hi is None or lo[0] == hi[0]:
            raise ValueError(f"invalid interval: {interval!r}")
        span = abs(hi[0] - lo[0])
        step = _number(stepsize)
        if step is None or not 0 < step <= span:
            count = _number(steps)
            step = span / (count if count and count > 0 else 250)
        super().__init__(float(lo[0]), float(hi[0]), float(step), default, label, display_value,
                         pair=range_slider, adapter=adapter)

    def to_python(self, wire, namespace):
        sage = _sage()
        real = float if sage is None else sage.RR
        return tuple(real(w) for w in wire) if self.pair else real(wire)


# ---------------------------------------------------------------------------------------------
# Sage's control functions (their names, arguments and defaults)


def slider(vmin, vmax=None, step_size=None, default=None, label=None, display_value=True) -> Slider:
    """A slider from vmin to vmax (vmin alone: 0 to vmin) in steps of step_size (default: 1 for
    integer bounds, else a hundredth of the range), or over the values of a list given as vmin.
    The default snaps to the nearest allowed value. Sage numbers as bounds or step give Sage
    numbers, computed exactly (lo + k * step)."""
    return Slider(vmin, vmax, step_size, default, label, display_value)


def range_slider(vmin, vmax=None, step_size=None, default=None, label=None, display_value=True) -> Slider:
    """Like `slider`, but selects a range: the function gets a (lo, hi) tuple; default (lo, hi),
    the whole range when not given."""
    return Slider(vmin, vmax, step_size, default, label, display_value, range=True)


def _is_color_type(type) -> bool:
    return type is Color or (type is not None and type is _sage_color_class())


def input_box(default=None, label=None, type=None, width=80, height=1, **kwargs):
    """A text box (height > 1: several lines, width in characters). What is typed is evaluated
    unless type=str: in a Sage session always (`sage_eval`, as SageMathCell's input_box does,
    a string default's text included: input_box("x^2") gives x^2); elsewhere only when the
    default is not a string (Python `eval`; a string default gives the text as typed). `type`
    is applied to the result (type=str: the text, never evaluated; type=Color: a color
    selector)."""
    if _is_color_type(type):
        return color_selector(default=(0, 0, 1) if default is None else default, label=label)
    evaluate = type is not str and (not isinstance(default, str) or _sage() is not None)
    return _TextBox(default, label, width, height, evaluate=evaluate, type=None if type is str else type)


def input_grid(nrows, ncols, default=None, label=None, to_value=lambda x: x, width=4) -> _Grid:
    """A grid of nrows x ncols boxes; the function gets to_value(list of rows). The default is
    one value for every box, a list of rows, or a flat list. Entries are evaluated with
    `sage_eval` in a Sage session (as SageMathCell's), read as literals elsewhere."""
    entries = "literal" if _sage() is None else "evaluate"
    return _Grid(nrows, ncols, default, label, to_value, width, entries)


def checkbox(default=True, label=None) -> Checkbox:
    """A checkbox; the function gets True or False."""
    return Checkbox(default, label)


def selector(values, label=None, default=None, nrows=None, ncols=None, width=None, buttons=False,
             *, selector_type=None) -> _Selector:
    """One value of a list ([v, ...] or [(v, label), ...]): a dropdown, or buttons when
    `buttons`, `nrows` or `ncols` is given. `selector_type="radio"` (as SageMathCell's Selector)
    gives radio buttons. `width` is accepted for compatibility; the page sizes buttons itself."""
    if selector_type is not None:
        if selector_type not in _SELECTOR_TYPES:
            raise ValueError(f"selector_type must be 'list', 'radio' or 'button', not {selector_type!r}")
        style = _SELECTOR_TYPES[selector_type]
    else:
        style = "buttons" if buttons or nrows is not None or ncols is not None else "dropdown"
    if buttons and isinstance(values, (list, tuple)) and len(values) == 1:
        return _list_control(list(values), None)  # one button: a push button, as Sage's notebook
    return _Selector(values, default, style, nrows, ncols, label)


def color_selector(default=(0, 0, 1), label=None, widget="colorpicker", hide_box=False) -> _ColorChooser:
    """A color chooser; the function gets a color (Sage's `Color` in a Sage session).
    `default`: anything `Color` takes, or a Sage Color. (`widget` and `hide_box` are accepted
    for compatibility: the page uses the browser's own.)"""
    return ColorSelector(default, label=label)


def text_control(value="") -> Control:
    """Text shown among the controls: plain text, or in a Sage session HTML (SageMathCell's
    text_control is an HtmlBox)."""
    return TextControl(value) if _sage() is None else HtmlBox(value)


def button(text="Button", value=True, default=False, label=None, width=None) -> _Button:
    """A push button: each press re-runs the function, which gets `value` in that run and
    `default` in every other (SageMathCell's Button)."""
    return _Button(default, value, text, label)


def button_bar(values, default=None, nrows=None, ncols=None, label=None, width=None) -> _ButtonBar:
    """A bar of push buttons, one per value ([v, ...] or [(v, label), ...]): the function gets
    the pressed button's value in the run its press causes, `default` in every other."""
    return _ButtonBar(values, default, nrows, ncols, label)

# ---------------------------------------------------------------------------------------------
# Color

_BASIC_COLORS = {
    "black": "#000000", "white": "#ffffff", "red": "#ff0000", "lime": "#00ff00", "blue": "#0000ff",
    "yellow": "#ffff00", "cyan": "#00ffff", "magenta": "#ff00ff", "gray": "#808080", "grey": "#808080",
    "green": "#008000", "orange": "#ffa500", "purple": "#800080", "brown": "#a52a2a", "pink": "#ffc0cb",
}


def _hex_rgb(text: str) -> tuple:
    digits = text[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))


class Color:
    """An RGB color with components in [0, 1], as Sage's: Color("red"), Color("#ff8000"),
    Color(1, 0.5, 0), Color((1, 0.5, 0)). It iterates as (r, g, b), so matplotlib takes it."""

    def __init__(self, r="#0000ff", g=None, b=None) -> None:
        if g is not None or b is not None:
            rgb = (r, g, b)
        elif isinstance(r, Color):
            rgb = r.rgb()
        elif isinstance(r, str):
            rgb = self._parse(r)
        else:
            rgb = tuple(r)
        if len(rgb) != 3 or any(_number(c) is None for c in rgb):
            raise ValueError(f"a color has three numeric components, got {rgb!r}")
        self._rgb = tuple(min(max(float(c), 0.0), 1.0) for c in rgb)

    @staticmethod
    def _parse(text: str) -> tuple:
        name = text.strip().lower()
        if re.fullmatch(r"#(?:[0-9a-f]{3}){1,2}", name):
            return _hex_rgb(name)
        if name in _BASIC_COLORS:
            return _hex_rgb(_BASIC_COLORS[name])
        try:
            from matplotlib.colors import to_rgb  # every CSS and matplotlib color name
        except ImportError:
            raise ValueError(f"unknown color {text!r}") from None
        try:
            return to_rgb(name)
        except ValueError:
            raise ValueError(f"unknown color {text!r}") from None

    def rgb(self) -> tuple:
        return self._rgb

    def html_color(self) -> str:
        return "#" + "".join(f"{round(c * 255):02x}" for c in self._rgb)

    def __iter__(self):
        return iter(self._rgb)

    def __len__(self) -> int:
        return 3

    def __getitem__(self, i):
        return self._rgb[i]

    def __eq__(self, other) -> bool:
        return isinstance(other, Color) and other._rgb == self._rgb

    def __hash__(self) -> int:
        return hash(self._rgb)

    def __str__(self) -> str:
        return self.html_color()

    def __repr__(self) -> str:
        return f"RGB color {self._rgb}"


# ---------------------------------------------------------------------------------------------
# Automatic controls and layout


def automatic_control(default) -> Control:
    """The control an argument's default stands for (Sage's rules): a control is itself;
    ("label", x) labels the control of x and (d, x), with x a tuple, list or generator, gives it
    the default d; a string -> input box (text); a bool -> checkbox; a list -> selector (buttons
    up to 5 values, a push button for 1); (a, b) -> slider, (a, b, step) -> slider with step,
    a longer tuple, a range or a generator -> slider over its values; a Color -> color selector;
    a numpy array -> input grid. In a Python session a number -> input box of its type, anything
    else (and no default) -> input box evaluating its text. In a Sage session (SageMathCell's
    rules) a Sage Color -> color selector, a matrix or vector -> input grid giving one of the
    same space, and anything else, numbers included -> expression box (`sage_eval`)."""
    label, value_default, control = None, None, default
    for _ in range(2):  # ("label", (d, x)) and (d, ("label", x)) both work
        if isinstance(control, tuple) and len(control) == 2 and isinstance(control[0], str):
            label, control = control
        if isinstance(control, tuple) and len(control) == 2 and \
                isinstance(control[1], (tuple, list, range, Iterator)):
            value_default, control = control
    sage = _sage()
    if isinstance(control, Control):
        made = control
    elif isinstance(control, str):
        made = _TextBox(control)
    elif isinstance(control, bool):
        made = Checkbox(control)
    elif isinstance(control, list):
        made = _list_control(control, value_default)
    elif isinstance(control, (range, Iterator)):
        made = _Slider(control, default=value_default)
    elif isinstance(control, tuple):
        numeric = len(control) in (2, 3) and all(_real(x) is not None for x in control)
        if numeric:
            made = _Slider(*control, default=value_default)
        else:
            made = _Slider(control, default=value_default)
    elif isinstance(control, Color):
        made = _ColorChooser(control)
    elif type(control).__module__ == "numpy" and type(control).__name__ == "ndarray":
        made = _array_grid(control)
    elif sage is not None:
        made = _sage_control(control)
    elif isinstance(control, numbers.Number):
        made = _TextBox(control, evaluate=True, type=type(control))
    else:
        made = _TextBox(control, evaluate=True)
    if label is not None:
        made.label = str(label)
    return made


def _sage_control(value) -> Control:
    """The control of a default in a Sage session, as SageMathCell makes it."""
    color_class = _sage_color_class()
    if color_class is not None and isinstance(value, color_class):
        return _ColorChooser(value)
    element = sys.modules.get("sage.structure.element")
    if element is not None and isinstance(value, element.Matrix):
        space = value.parent()
        return _Grid(value.nrows(), value.ncols(), [list(row) for row in value.rows()], to_value=space,
                     width=None, entries="evaluate")
    if element is not None and isinstance(value, element.Vector):
        space = value.parent()
        return _Grid(1, len(value), [list(value)], to_value=lambda rows: space(rows[0]), width=None,
                     entries="evaluate")
    return _TextBox(value, evaluate=True)


def _list_control(values: list, default) -> Control:
    if len(values) == 1:
        value, text = values[0] if isinstance(values[0], tuple) and len(values[0]) == 2 else (values[0], values[0])
        return _Button(default=value, value=value, text=str(text))
    return _Selector(values, default, "buttons" if len(values) <= 5 else "dropdown")


def _array_grid(array) -> Control:
    import numpy

    if array.ndim == 1:
        return _Grid(1, len(array), [array.tolist()], to_value=lambda rows: numpy.array(rows[0], dtype=array.dtype))
    if array.ndim == 2:
        return _Grid(*array.shape, array.tolist(), to_value=lambda rows: numpy.array(rows, dtype=array.dtype))
    return _TextBox(array, evaluate=True)


def _layout_rows(rows) -> list:
    """Rows of names from a layout side: a row is a list of names, (name, width) pairs and
    None spacers, or one name; SageMathCell's "_output" and "_bookmarks" are skipped."""
    if isinstance(rows, str):
        rows = [rows]
    out = []
    for row in rows:
        items = [row] if isinstance(row, str) else row
        names = []
        for item in items:
            if isinstance(item, (list, tuple)):
                item = item[0] if item else None
            if item is None or item in ("_output", "_bookmarks"):
                continue
            if not isinstance(item, str):
                raise TypeError(f"layout: a row holds control names, not {item!r}")
            names.append(item)
        if names:
            out.append(names)
    return out


def _has_output(row) -> bool:
    items = [row] if isinstance(row, str) else row
    return any(item == "_output" or (isinstance(item, (list, tuple)) and item and item[0] == "_output")
               for item in items)


def normalize_layout(layout, names: list, hidden=()) -> dict:
    """{"top", "bottom", "left", "right": rows of names} from SageMathCell's layout forms: None;
    a list of rows (above the output, or around a row holding "_output"); or a dict of sides,
    each a list of rows. Every name ends up exactly once: unplaced ones go to "top", a row each.
    Names in `hidden` (controls the page does not show, an UpdateButton) are left out."""
    sides = {side: [] for side in SIDES}
    if isinstance(layout, dict):
        for side, rows in layout.items():
            if side not in SIDES:
                raise ValueError(f"layout: unknown side {side!r} (top, bottom, left or right)")
            sides[side] = _layout_rows(rows)
    elif isinstance(layout, (list, tuple)):
        rows = list(layout)
        split = next((i for i, row in enumerate(rows) if _has_output(row)), len(rows))
        sides["top"] = _layout_rows(rows[:split + 1])
        sides["bottom"] = _layout_rows(rows[split + 1:])
    elif layout is not None:
        raise TypeError(f"layout must be a list of rows or a dict of sides, not {type(layout).__name__}")
    if hidden:
        for side in SIDES:
            sides[side] = [kept for kept in ([n for n in row if n not in hidden] for row in sides[side]) if kept]
    placed = set()
    for side in SIDES:
        for row in sides[side]:
            for name in row:
                if name not in names:
                    raise ValueError(f"layout names {name!r}, which is not a control of this interact")
                if name in placed:
                    raise ValueError(f"layout places {name!r} twice")
                placed.add(name)
    sides["top"] += [[name] for name in names if name not in placed]
    return sides


# ---------------------------------------------------------------------------------------------
# Interacts

_interacts: dict = {}  # id -> _Interact, every live one in this session
_running: list = []  # the interacts whose function is running, innermost last
_ids = itertools.count(1)


class _Interact:
    def __init__(self, function, controls, layout, auto_update, extra: dict, automatic_labels: bool,
                 update=None) -> None:
        self.function = function
        self.name = getattr(function, "__name__", type(function).__name__)
        self.namespace = getattr(function, "__globals__", None) or sys.modules["__main__"].__dict__
        self.auto_update = bool(auto_update)
        self.fixed = {}  # arguments passed as they are, not controls
        self.current = {}  # the values of the run going on (what the proxy reads)
        parameters = list(inspect.signature(function).parameters.values())
        self.proxy = None
        if _sage() is not None and parameters and parameters[0].kind == parameters[0].POSITIONAL_OR_KEYWORD \
                and parameters[0].default is parameters[0].empty and parameters[0].name not in extra:
            self.proxy = InteractProxy(self)  # SageMathCell: f(self, ...) gets the interact's proxy
            parameters.pop(0)
        pairs = []
        for p in parameters:
            if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                continue
            default = extra.pop(p.name, p.default)
            if p.name == "auto_update" and default is False:  # Sage's notebook spelling
                self.auto_update = False
                self.fixed["auto_update"] = False
                continue
            pairs.append((p.name, None if default is p.empty else default))
        pairs += extra.items()
        for item in controls or ():
            pairs.append((item, None) if isinstance(item, str) else tuple(item))
        names = [name for name, _ in pairs]
        for name in names:
            if not isinstance(name, str):
                raise TypeError(f"interact control names are strings, not {name!r}")
        if len(set(names)) != len(names):
            raise ValueError(f"interact {self.name}: a control is named twice in {names}")
        self.controls = {name: automatic_control(default) for name, default in pairs}
        if not automatic_labels:
            for control in self.controls.values():
                if control.label is None:
                    control.label = ""
        hidden = [name for name, c in self.controls.items() if c.hidden]
        if hidden:  # an UpdateButton: re-run only when it is pressed
            self.auto_update = False
        if update is not None and set(names) - set(hidden) - set(update):
            self.auto_update = False  # SageMathCell's update=[names]: the others wait for Update
        self.shown = [name for name in names if name not in hidden]
        self.layout = normalize_layout(layout, self.shown, hidden)
        self.values = {name: c.default for name, c in self.controls.items()}
        self.children: list = []
        self.id = None

    def describe(self) -> dict:
        controls = []
        for name, control in self.controls.items():
            if control.hidden:
                continue
            entry = {"name": name, "type": control.kind, "label": name if control.label is None else control.label}
            entry.update(control.describe())
            controls.append(entry)
        return {"version": 1, "id": self.id, "name": self.name, "auto_update": self.auto_update,
                "controls": controls, "layout": self.layout}

    def summary(self) -> str:
        names = ", ".join(self.shown) or "none"
        return f"Interactive function {self.name} with controls {names}"

    def start(self) -> None:
        """Registers the interact (as a child of the one running, if any), shows it, runs it."""
        self.id = f"i{next(_ids)}"
        if _running:
            _running[-1].children.append(self.id)
        _interacts[self.id] = self
        if _runner() is None:
            print(f"{self.summary()}: its controls are live in a Cellar session; here it runs once "
                  f"with the defaults.")
        else:
            cellar._publisher({MIME: self.describe(), "text/plain": self.summary()}, {})
        self.run()

    def receive(self, values) -> None:
        """Takes the well-formed values of `values` (untrusted: from the page)."""
        if not isinstance(values, dict):
            return
        for name, control in self.controls.items():
            if name in values or control.hidden:
                self.values[name] = control.constrain(values.get(name), self.values[name])

    def run(self) -> bool:
        """Runs the function with the current values, under this interact's tag; False when it
        raised (the error is shown in the interact's output)."""
        self._forget_children()
        runner = _runner()
        _running.append(self)
        try:
            if runner is None:
                self._call()
                return True
            return runner(self.id, self._call)
        finally:
            _running.pop()
            self.values = {name: c.after_run(self.values[name]) for name, c in self.controls.items()}

    def _call(self) -> None:
        kwargs = {name: c.value(self.values[name], self.namespace) for name, c in self.controls.items()}
        kwargs.update(self.fixed)
        self.current = dict(kwargs)
        if self.proxy is None:
            self.function(**kwargs)
        else:
            self.function(self.proxy, **kwargs)

    def _forget_children(self) -> None:
        children, self.children = self.children, []
        for child_id in children:
            child = _interacts.pop(child_id, None)
            if child is not None:
                child._forget_children()


class InteractProxy:
    """SageMathCell's interact proxy, given in a Sage session to a function whose first argument
    has no default: `self.n` is the value of control n in this run; setting it changes what
    later reads in the run give (the page's control stays where the reader put it); setting an
    HtmlBox's value also shows that HTML in the interact's output and keeps it for later runs.
    Calling the proxy calls the function."""

    def __init__(self, it) -> None:
        object.__setattr__(self, "_interact", it)

    def __getattr__(self, name):
        it = object.__getattribute__(self, "_interact")
        if name not in it.current:
            raise AttributeError(f"interact {it.name} has no control {name!r}")
        return it.current[name]

    def __setattr__(self, name, value) -> None:
        it = object.__getattribute__(self, "_interact")
        control = it.controls.get(name)
        if control is None:
            raise AttributeError(f"interact {it.name} has no control {name!r} (controls cannot be added "
                                 f"from the function here)")
        it.current[name] = value
        if isinstance(control, HtmlBox):
            control.html = str(value)
            cellar.display(cellar.HTML(control.html))

    def __dir__(self):
        return list(object.__getattribute__(self, "_interact").controls)

    def __call__(self, *args, **kwargs):
        return object.__getattribute__(self, "_interact").function(*args, **kwargs)


def _runner():
    """The session's function that runs an interact's function under its tag, or None outside
    a Cellar session."""
    return None if cellar._publisher is None else cellar._interact_runner


def interact(f=None, controls=None, layout=None, auto_update=True, automatic_labels=True, *, update=None,
             **kwargs):
    """Makes `f` an interact and runs it once with its defaults; returns `f`.

        @interact
        def f(a=(0, 10), b="text"): ...
        @interact(layout={"left": [["a"]]}, auto_update=False)   # an Update button
        @interact(controls=[("x0", (0, 1)), ("x1", (0, 1))])     # controls made by code
        @interact([("x0", (0, 1))])                               # the same, Sage's spelling
        interact(f, a=slider(0, 10))                              # keyword controls

    Arguments without a default become input boxes; `controls` adds controls (the function
    gets them as keyword arguments); `layout` places them (a list of rows, or a dict of
    "top", "bottom", "left", "right" rows; unplaced controls go on top). SageMathCell's
    `update=[names]`: when it leaves out a control, the interact waits for Update."""
    if f is not None and not callable(f):  # @interact([...]): Sage's positional controls
        controls, f = f, None
    if f is None:
        return lambda g: interact(g, controls, layout, auto_update, automatic_labels, update=update, **kwargs)
    _Interact(f, controls, layout, auto_update, kwargs, automatic_labels, update).start()
    return f


def update(interact_id, values) -> bool:
    """Re-runs interact `interact_id` with the page's `values` (the session's `interact`
    request); False when the function raised. Raises InteractGone for an unknown id."""
    it = _interacts.get(interact_id) if isinstance(interact_id, str) else None
    if it is None:
        raise InteractGone("this interact no longer exists (the cell that made it ran again)")
    it.receive(values)
    return it.run()
