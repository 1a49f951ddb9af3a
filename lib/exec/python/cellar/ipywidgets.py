"""Jupyter's ipywidgets interacts on Cellar's live interacts (issue 12): `import ipywidgets`
in a cell is this module (the top-level package ipywidgets/ re-exports it; it sits ahead of
dist-packages on sys.path, so Debian's python3-ipywidgets never loads in a session).

    from ipywidgets import interact, interactive, interact_manual, fixed, widgets

    @interact(n=(0, 10), kind=["sin", "cos"])
    def show(n=3, kind="sin"): ...

    interact(f, x=widgets.IntSlider(min=0, max=10, value=4, description="x"))
    w = interactive(f, a=True); display(w)

Each widget is described to the page as one of cellar.interact's controls, so the page draws
it, the values it sends back are checked as any interact's are (untrusted), and a change re-runs
the function. Abbreviations follow ipywidgets: (0, 10) an IntSlider, (0.0, 1.0, 0.01) a
FloatSlider, a number a slider around it, a list, tuple or dict of options a Dropdown, a bool a
Checkbox, a string a Text box; fixed(v) is passed as it is. A non-None return value is shown
under the controls, as Jupyter shows it. interact_manual waits for the page's Update button.

Widgets and functions this module does not implement (layouts such as HBox, Play, jslink,
observe...) raise UnsupportedWidgetError naming what is supported (docs/exec.md "ipywidgets").
"""

import inspect
import numbers
import sys
from collections.abc import Iterable, Mapping

import cellar
from cellar import interact as _api

__version__ = "8.1.0"  # the ipywidgets API this module follows (Cellar's own implementation)

SUPPORTED = ("IntSlider", "FloatSlider", "IntRangeSlider", "FloatRangeSlider", "Dropdown", "RadioButtons",
             "ToggleButtons", "Select", "Checkbox", "ToggleButton", "Text", "Textarea", "ColorPicker", "Button",
             "Output", "Layout")
__all__ = ["interact", "interactive", "interact_manual", "fixed", "widgets", "Widget", "ValueWidget",
           "UnsupportedWidgetError", *SUPPORTED]


class UnsupportedWidgetError(NotImplementedError):
    """A widget, function or method of ipywidgets that Cellar's interacts do not implement."""


UnsupportedWidgetError.__module__ = "ipywidgets"  # what a traceback names: the module the reader imported


def _unsupported(what: str) -> UnsupportedWidgetError:
    return UnsupportedWidgetError(
        f"{what} is not supported in Cellar: its ipywidgets module offers interact, interactive, interact_manual, "
        f"fixed and the widgets {', '.join(SUPPORTED)}")


# Keyword arguments that only change how a widget looks in Jupyter: accepted and ignored.
_COSMETIC = frozenset({"layout", "style", "tooltip", "description_tooltip", "description_allow_html", "disabled",
                       "orientation", "readout_format", "indent", "placeholder", "button_style", "icon", "concise",
                       "ensure_option", "tabbable", "behavior", "continuous_update", "_dom_classes"})


def _check_kwargs(cls_name: str, kwargs: dict) -> None:
    unknown = sorted(set(kwargs) - _COSMETIC)
    if unknown:
        raise TypeError(f"{cls_name}() got an unexpected keyword argument {unknown[0]!r}")


class Widget:
    """The base of every widget here. Jupyter's comm and trait machinery is not: `observe`,
    `on_trait_change`, `link`... raise UnsupportedWidgetError."""

    def __init__(self, description="", **kwargs) -> None:
        _check_kwargs(type(self).__name__, kwargs)
        self.description = "" if description is None else str(description)
        # continuous_update=False: a slider sends its value when the reader lets go of it.
        self.continuous_update = bool(kwargs.get("continuous_update", True))
        self.disabled = bool(kwargs.get("disabled", False))
        self.layout = kwargs.get("layout") or Layout()

    def observe(self, handler, names=None, type="change"):
        raise _unsupported(f"{type_name(self)}.observe")

    def unobserve(self, handler, names=None, type="change"):
        raise _unsupported(f"{type_name(self)}.unobserve")

    def on_trait_change(self, *args, **kwargs):
        raise _unsupported(f"{type_name(self)}.on_trait_change")

    def close(self) -> None:
        """Jupyter closes the widget's view; here it is a no-op (the interact lives until its cell runs again)."""

    def _cellar_display_(self) -> None:
        raise _unsupported(f"display({type_name(self)})")

    def __repr__(self) -> str:
        return f"{type_name(self)}(description={self.description!r})"


def type_name(obj) -> str:
    return type(obj).__name__


class Layout:
    """Jupyter's CSS layout of a widget: accepted (any attributes) and ignored, the page lays controls out itself."""

    def __init__(self, **kwargs) -> None:
        self.__dict__.update(kwargs)

    def __repr__(self) -> str:
        return f"Layout({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"


class ValueWidget(Widget):
    """A widget with a value: a control of an interact. `value` is what the function got in the
    latest run (the page's value), so a later cell reads where the reader left it."""

    def control(self, label):
        """A new cellar.interact control for this widget, labelled `label` (None: the argument's name)."""
        raise NotImplementedError

    def convert(self, value):
        """The Python value for what the control gives (plain ints and floats, as Jupyter's)."""
        return value

    def _cellar_display_(self) -> None:
        # A widget displayed on its own: a one-control interact whose runs keep `value` current.
        def keep(**values):
            self.value = self.convert(values["value"])

        keep.__name__ = type_name(self)
        _start(keep, {"value": self.control(self.description or "")}, auto_update=True)


def _real(x, what: str):
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a number, got {x!r}")
    return x


class _SliderWidget(ValueWidget):
    _kind = int

    def __init__(self, value=None, min=0, max=100, step=1, description="", readout=True, **kwargs) -> None:
        super().__init__(description, **kwargs)
        cast = self._kind
        self.min, self.max = cast(_real(min, "min")), cast(_real(max, "max"))
        self.step = cast(_real(step, "step"))
        if self.step <= 0:
            raise ValueError(f"{type_name(self)}: step must be positive, got {step!r}")
        if self.min > self.max:
            raise ValueError(f"{type_name(self)}: min ({min!r}) is greater than max ({max!r})")
        self.readout = bool(readout)
        self.value = self._initial(value)

    def _initial(self, value):
        value = self.min if value is None else self._kind(_real(value, "value"))
        return type(value)(min(max(value, self.min), self.max))

    def control(self, label):
        slider = _api._Slider(self.min, self.max, self.step, default=self.value, label=label,
                              display_value=self.readout)
        slider.continuous_update = self.continuous_update
        return slider

    def convert(self, value):
        return self._kind(value)

    def __repr__(self) -> str:
        return f"{type_name(self)}(value={self.value!r}, min={self.min!r}, max={self.max!r}, step={self.step!r})"


class IntSlider(_SliderWidget):
    """A slider over integers: value (default min), min=0, max=100, step=1."""


class FloatSlider(_SliderWidget):
    """A slider over floats: value (default min), min=0.0, max=10.0, step=0.1."""

    _kind = float

    def __init__(self, value=None, min=0.0, max=10.0, step=0.1, description="", readout=True, **kwargs) -> None:
        super().__init__(value, min, max, step, description, readout, **kwargs)


class _RangeSliderWidget(_SliderWidget):
    def _initial(self, value):
        if value is None:  # the middle half of the range, as ipywidgets
            lo, hi = 0.75 * self.min + 0.25 * self.max, 0.25 * self.min + 0.75 * self.max
        else:
            if not isinstance(value, (list, tuple)) or len(value) != 2:
                raise TypeError(f"{type_name(self)}: value must be a (lo, hi) pair, got {value!r}")
            lo, hi = sorted(_real(v, "value") for v in value)
        return tuple(self._kind(min(max(v, self.min), self.max)) for v in (lo, hi))

    def control(self, label):
        slider = _api._Slider(self.min, self.max, self.step, default=self.value, label=label,
                              display_value=self.readout, pair=True)
        slider.continuous_update = self.continuous_update
        return slider

    def convert(self, value):
        return tuple(self._kind(v) for v in value)


class IntRangeSlider(_RangeSliderWidget):
    """A (lo, hi) range of integers: value (default the middle half), min=0, max=100, step=1."""


class FloatRangeSlider(_RangeSliderWidget):
    """A (lo, hi) range of floats: value (default the middle half), min=0.0, max=10.0, step=0.1."""

    _kind = float

    def __init__(self, value=None, min=0.0, max=10.0, step=0.1, description="", readout=True, **kwargs) -> None:
        super().__init__(value, min, max, step, description, readout, **kwargs)


_NOTHING = object()


def _options(options) -> list:
    """[(label, value), ...] as ipywidgets reads options: a dict label -> value, (label, value)
    pairs (when every option is one), or values labelled by str()."""
    if isinstance(options, Mapping):
        options = list(options.items())
    elif isinstance(options, (str, bytes)) or not isinstance(options, Iterable):
        raise TypeError(f"options must be a list, a list of (label, value) pairs or a dict, got {options!r}")
    items = list(options)
    if not items:
        raise ValueError("options is empty: give at least one option")
    if all(isinstance(i, (list, tuple)) and len(i) == 2 for i in items):
        return [(str(label), value) for label, value in items]
    return [(str(i), i) for i in items]


def _same(a, b) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 — arrays and the like: not the same option
        return False


class _SelectionWidget(ValueWidget):
    """One of `options`; `value`, `label` or `index` picks the first shown (default the first)."""

    _style = "dropdown"

    def __init__(self, options=(), value=_NOTHING, label=None, index=None, description="", **kwargs) -> None:
        kwargs.pop("rows", None)  # Select's visible rows
        super().__init__(description, **kwargs)
        self.options = _options(options)
        self.index = 0
        if index is not None:
            if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.options):
                raise ValueError(f"{type_name(self)}: index {index!r} is not one of 0..{len(self.options) - 1}")
            self.index = index
        elif label is not None:
            self.index = self._find(label, 0, "label")
        elif value is not _NOTHING and value is not None:
            self.index = self._find(value, 1, "value")
        self.value = self.options[self.index][1]
        self.label = self.options[self.index][0]

    def _find(self, wanted, part: int, what: str) -> int:
        for i, option in enumerate(self.options):
            if _same(option[part], wanted):
                return i
        raise ValueError(f"{type_name(self)}: {what} {wanted!r} is not one of the options")

    def control(self, label):
        control = _api._Selector([(value, text) for text, value in self.options], None, self._style, label=label)
        control.default = self.index
        return control

    def __repr__(self) -> str:
        return f"{type_name(self)}(options={[label for label, _ in self.options]!r}, value={self.value!r})"


class Dropdown(_SelectionWidget):
    """A dropdown list of options."""


class Select(_SelectionWidget):
    """A list box of options (drawn as a dropdown)."""


class RadioButtons(_SelectionWidget):
    """Radio buttons, one per option."""

    _style = "radio"


class ToggleButtons(_SelectionWidget):
    """A row of buttons, one per option, one of them pressed."""

    _style = "buttons"


class Checkbox(ValueWidget):
    """A checkbox: value False or True."""

    def __init__(self, value=False, description="", **kwargs) -> None:
        super().__init__(description, **kwargs)
        self.value = bool(value)

    def control(self, label):
        return _api.Checkbox(self.value, label)


class ToggleButton(Checkbox):
    """A button that stays pressed (value True) or not: drawn as a checkbox."""


class Text(ValueWidget):
    """A one-line text box: value is the text."""

    _height = 1

    def __init__(self, value="", description="", **kwargs) -> None:
        rows = kwargs.pop("rows", None)
        super().__init__(description, **kwargs)
        if not isinstance(value, str):
            raise TypeError(f"{type_name(self)}: value must be a string, got {value!r}")
        self.value = value
        self.rows = rows

    def control(self, label):
        height = self._height if not isinstance(self.rows, int) or isinstance(self.rows, bool) else max(1, self.rows)
        return _api._TextBox(self.value, label, height=height)


class Textarea(Text):
    """A text box of several lines (rows, default 4)."""

    _height = 4


class ColorPicker(ValueWidget):
    """A color chooser: value is a color name or "#rrggbb" (what the page sends is "#rrggbb")."""

    def __init__(self, value="black", description="", **kwargs) -> None:
        super().__init__(description, **kwargs)
        self.value = value

    def control(self, label):
        chooser = _api._ColorChooser(self.value, label, sage_color=False)
        initial, given = chooser.default, self.value
        # The first run gets the value as written ("blue"), later ones the page's "#rrggbb".
        chooser.to_python = lambda wire, namespace: given if wire == initial else wire
        return chooser


class Button(Widget):
    """A push button. `on_click(handler)`: each press calls handler(button); displayed on its own
    (`display(button)`), its handlers' output shows under it."""

    def __init__(self, description="", **kwargs) -> None:
        super().__init__(description, **kwargs)
        self._handlers: list = []

    def on_click(self, callback, remove=False) -> None:
        if remove:
            self._handlers = [h for h in self._handlers if h is not callback]
        elif callable(callback):
            self._handlers.append(callback)
        else:
            raise TypeError(f"on_click takes a function, got {callback!r}")

    def click(self) -> None:
        for handler in list(self._handlers):
            handler(self)

    def _cellar_display_(self) -> None:
        def pressed(**values):
            if values["click"]:
                self.click()

        pressed.__name__ = self.description or "Button"
        _start(pressed, {"click": _api._Button(False, True, self.description or "Button", label="")}, auto_update=True)


class Output(Widget):
    """Where output goes. `with out:` passes its prints and displays on to where they are going:
    inside an interact's function that is the interact's output, which every run replaces (so
    `clear_output` has nothing to do); displaying an Output shows nothing of its own."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.outputs = ()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        return False  # an exception goes on, and is shown where the run shows its error

    def clear_output(self, wait=False) -> None:
        """Nothing to clear: an interact's output is replaced by each of its runs."""

    def append_stdout(self, text) -> None:
        sys.stdout.write(str(text))

    def append_stderr(self, text) -> None:
        sys.stderr.write(str(text))

    def append_display_data(self, obj) -> None:
        cellar.display(obj)

    def capture(self, clear_output=False, wait=False):
        """A decorator: the function's output goes through this Output."""

        def decorate(f):
            def captured(*args, **kwargs):
                with self:
                    return f(*args, **kwargs)

            captured.__name__ = getattr(f, "__name__", "captured")
            captured.__wrapped__ = f
            return captured

        return decorate

    def _cellar_display_(self) -> None:
        pass


class fixed:
    """An argument passed to the function as it is, with no control."""

    def __init__(self, value) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"fixed({self.value!r})"


# ---------------------------------------------------------------------------------------------
# Abbreviations (ipywidgets' rules)


def _min_max_value(lo, hi, value=None, step=None):
    """(min, max, value) as ipywidgets infers them: the middle of (lo, hi), or a range around a value."""
    if value is None:
        diff = hi - lo
        value = lo + diff // 2 if isinstance(diff, numbers.Integral) else lo + diff / 2
    else:
        if value == 0:
            lo, hi = value, value + 1
        elif value > 0:
            lo, hi = -value, 3 * value
        else:
            lo, hi = 3 * value, -value
    if step is not None:
        value = lo + int((value - lo) / step) * step
    return lo, hi, value


def _is_real(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def widget_from_abbrev(abbrev, default=inspect.Parameter.empty):
    """The widget (or fixed) an interact argument's abbreviation stands for, else None."""
    if isinstance(abbrev, (ValueWidget, fixed)):
        return abbrev
    if isinstance(abbrev, Widget):
        raise TypeError(f"{type_name(abbrev)} has no value, so it cannot be an interact argument "
                        f"(for a button that runs the function, use interact_manual)")
    if isinstance(abbrev, tuple) and len(abbrev) in (2, 3) and all(_is_real(x) for x in abbrev):
        widget = _slider_from_tuple(abbrev)
    elif isinstance(abbrev, str):
        return Text(value=abbrev)
    elif isinstance(abbrev, bool):
        return Checkbox(value=abbrev)
    elif isinstance(abbrev, numbers.Integral):
        lo, hi, value = _min_max_value(None, None, int(abbrev))
        return IntSlider(value=value, min=lo, max=hi)
    elif _is_real(abbrev):
        lo, hi, value = _min_max_value(None, None, float(abbrev))
        return FloatSlider(value=value, min=lo, max=hi)
    elif isinstance(abbrev, Iterable):  # a list, tuple, dict, range, generator...
        widget = Dropdown(options=abbrev)
    else:
        return None
    if default is not inspect.Parameter.empty:
        _set_default(widget, default)
    return widget


def _slider_from_tuple(abbrev):
    step = abbrev[2] if len(abbrev) == 3 else None
    if step is not None and step <= 0:
        raise ValueError(f"step must be > 0, not {step!r}")
    lo, hi, value = _min_max_value(abbrev[0], abbrev[1], step=step)
    integral = all(isinstance(x, numbers.Integral) for x in abbrev)
    cls = IntSlider if integral else FloatSlider
    extra = {} if step is None else {"step": step}
    return cls(value=value, min=lo, max=hi, **extra)


def _set_default(widget, default) -> None:
    """The function's own default as the widget's first value, when it is one (else ignored, as ipywidgets)."""
    if isinstance(widget, _SelectionWidget):
        for i, (label, value) in enumerate(widget.options):
            if _same(value, default):
                widget.index, widget.value, widget.label = i, value, label
                return
    elif isinstance(widget, _SliderWidget) and _is_real(default) and widget.min <= default <= widget.max:
        widget.value = widget.convert(default)


# ---------------------------------------------------------------------------------------------
# interact, interactive


def _start(function, controls: dict, auto_update: bool) -> None:
    """Shows an interact of cellar.interact with these controls (name -> control) and runs it."""
    _api._Interact(function, list(controls.items()), None, auto_update, {}, True).start()


def _show_result(value) -> None:
    """A run's return value, shown as a cell's last value is (through Sage's display in the sage kernel)."""
    kernel = sys.modules.get("cellar_kernel.sage_kernel")
    if cellar._publisher is not None and kernel is not None and kernel.active() and kernel.shows_through_sage(value):
        cellar._publisher(kernel.bundle_of(value), {})
    else:
        cellar.display(value)


_OPTIONS = ("manual", "manual_name", "auto_display")


class interactive:
    """The interact of `f` with controls from `kwargs` and f's defaults, not shown yet:
    `display(w)` (or `w` as a cell's last value) shows its controls and runs it. After a run,
    `w.kwargs` holds the arguments f got and `w.result` what it returned."""

    def __init__(self, __interact_f, __options=None, **kwargs) -> None:
        f = __interact_f
        if not callable(f):
            raise TypeError(f"interactive takes a function, got {f!r}")
        options = dict(__options or {})
        for key in options:
            if key not in _OPTIONS:
                raise ValueError(f"unknown interact option {key!r} (manual, manual_name or auto_display)")
        self.f = f
        self.manual = bool(options.get("manual", False))
        self.manual_name = str(options.get("manual_name", "Run Interact"))
        self.kwargs: dict = {}
        self.result = None
        self.widgets = self._widgets(f, kwargs)
        self.children = [w for w in self.widgets.values() if isinstance(w, ValueWidget)] + [Output()]
        self.out = self.children[-1]

    @staticmethod
    def _widgets(f, kwargs: dict) -> dict:
        """name -> widget or fixed, for f's parameters (and every keyword when f takes **kwargs)."""
        out = {}
        for p in inspect.signature(f).parameters.values():
            if p.kind == p.VAR_KEYWORD:
                found = [(name, abbrev, p.empty) for name, abbrev in kwargs.items() if name not in out]
            elif p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                if p.name in kwargs:
                    found = [(p.name, kwargs[p.name], p.default)]
                elif p.default is not p.empty:
                    found = [(p.name, p.default, p.empty)]
                else:
                    raise ValueError(f"cannot find widget or abbreviation for argument: {p.name!r}")
            else:
                continue
            for name, abbrev, default in found:
                widget = widget_from_abbrev(abbrev, default)
                if widget is None:
                    raise ValueError(f"{abbrev!r} cannot be transformed to a widget (argument {name!r})")
                out[name] = widget
        return out

    def _cellar_display_(self) -> None:
        controls = {name: w.control(w.description or None) for name, w in self.widgets.items()
                    if isinstance(w, ValueWidget)}
        first = [self.manual]  # interact_manual: nothing runs until the button is pressed

        def run(**values):
            if first[0]:
                first[0] = False
                return
            kwargs = {}
            for name, widget in self.widgets.items():
                if isinstance(widget, fixed):
                    kwargs[name] = widget.value
                else:
                    widget.value = widget.convert(values[name])
                    kwargs[name] = widget.value
            self.kwargs = kwargs
            self.result = None
            self.result = self.f(**kwargs)
            if self.result is not None:
                _show_result(self.result)

        run.__name__ = getattr(self.f, "__name__", "f")
        _start(run, controls, auto_update=not self.manual)

    def display(self) -> None:
        self._cellar_display_()

    def __repr__(self) -> str:
        return f"interactive({getattr(self.f, '__name__', 'f')}, {', '.join(self.widgets)})"


class _InteractFactory:
    """interact and interact_manual: `interact(f, **kwargs)` shows and runs the interact and
    returns f; `@interact`, `@interact(**kwargs)` and `interact(**kwargs)(f)` decorate;
    `interact.options(manual=True, manual_name=...)` makes a variant."""

    def __init__(self, options=None) -> None:
        self.opts = dict(options or {})

    def options(self, **kwargs) -> "_InteractFactory":
        for key in kwargs:
            if key not in _OPTIONS:
                raise ValueError(f"unknown interact option {key!r} (manual, manual_name or auto_display)")
        return _InteractFactory({**self.opts, **kwargs})

    def widget(self, f) -> interactive:
        return interactive(f, self.opts)

    def __call__(self, __interact_f=None, **kwargs):
        if __interact_f is None:
            return lambda f: self(f, **kwargs)
        w = interactive(__interact_f, self.opts, **kwargs)
        w.display()
        try:
            __interact_f.widget = w
        except AttributeError:
            pass
        return __interact_f


interact = _InteractFactory()
interact_manual = _InteractFactory({"manual": True})


# ---------------------------------------------------------------------------------------------
# What is not supported


def _unsupported_widget(name: str):
    def init(self, *args, **kwargs):
        raise _unsupported(f"ipywidgets.{name}")

    doc = "Not supported in Cellar: making one raises UnsupportedWidgetError."
    return type(name, (Widget,), {"__init__": init, "__doc__": doc})


def _unsupported_function(name: str):
    def call(*args, **kwargs):
        raise _unsupported(f"ipywidgets.{name}")

    call.__name__ = name
    return call


UNSUPPORTED_WIDGETS = ("HBox", "VBox", "Box", "GridBox", "GridspecLayout", "AppLayout", "TwoByTwoLayout", "Tab",
                       "Accordion", "Stack", "Play", "Label", "HTML", "HTMLMath", "Image", "Video", "Audio", "Valid",
                       "Password", "Combobox", "SelectMultiple", "SelectionSlider", "SelectionRangeSlider",
                       "IntText", "FloatText", "BoundedIntText", "BoundedFloatText", "IntProgress", "FloatProgress",
                       "FloatLogSlider", "DatePicker", "DatetimePicker", "TimePicker", "FileUpload", "Controller",
                       "TagsInput", "ColorsInput", "DOMWidget", "CoreWidget")
UNSUPPORTED_FUNCTIONS = ("jslink", "jsdlink", "link", "dlink", "interactive_output")
for _name in UNSUPPORTED_WIDGETS:
    globals()[_name] = _unsupported_widget(_name)
for _name in UNSUPPORTED_FUNCTIONS:
    globals()[_name] = _unsupported_function(_name)
del _name
__all__ += [*UNSUPPORTED_WIDGETS, *UNSUPPORTED_FUNCTIONS]  # importable; using one raises

widgets = sys.modules[__name__]  # `from ipywidgets import widgets; widgets.IntSlider(...)`


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"ipywidgets has no {name!r} in Cellar: supported are interact, interactive, "
                         f"interact_manual, fixed and the widgets {', '.join(SUPPORTED)}")
