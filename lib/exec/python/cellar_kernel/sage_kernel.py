"""The `sage` kernel's additions to the Python kernel (docs/exec.md, "The sage kernel").

The zygote imports `sage.all` (and Maxima, which symbolic calculus loads on first use, ~2 s)
once; every session is a fork of it, so a Sage session starts in milliseconds. What differs from
a Python session is all here:
- cells and `.sage` files go through Sage's preparser (`2^10`, `1/3`, `f(x) = x^2`, `[1..10]`,
  `R.<x> = QQ[]`), line for line, so tracebacks point at the user's own lines;
- the namespace is Sage's globals (`from sage.all import *`, as in `sage -c`) plus Cellar's
  pre-imported names (display and the interact API; Sage's own `Color` wins);
- values are shown through Sage's display manager with a backend of ours (the last value, `show`,
  `pretty_print`, `html`, `%display latex`), 3D graphics as a scene for the page's viewer (with a
  static PNG next to it) and animations as GIFs drawn with Pillow (no ImageMagick needed);
- SIGINT reaches C code: cysignals' handler is put back after the session installs its own
  Python-level one, so Stop interrupts a long PARI or FLINT computation too.
Nothing here runs in a plain Python session: the engine asks `active()` first.
"""

import ast
import base64
import io
import os
import re
import signal
import sys
import time

# Set by the session: sends one display_data bundle (Engine.publish).
_publish = None
# The class of html(...)'s results (made with Sage's HtmlFragment in the zygote).
_PendingHtml = type(None)
# cysignals' OS-level SIGINT handler, read in the zygote right after Sage is imported.
_cysignals_sigint = None
# Names of pseudo-files (cells) and files whose code was preparsed: their tracebacks show the
# user's own text, whose columns differ from the code that ran.
preparsed_files = set()

SCENE_MIME = "application/vnd.cellar.scene3d+json"
_DISPLAY_MAGIC = re.compile(r"^([ \t]*)%display(?:[ \t]+(\w+))?[ \t]*(?:#.*)?$")
# `name?` (its documentation) and `name??` (its source), as in IPython, on a line of their own.
_HELP = re.compile(r"^([ \t]*)([A-Za-z_][\w.]*)(\?\??)[ \t]*$")
# IPython's line magics a Sage user types most; each becomes one line of Python (lines stay put).
_TIME_MAGIC = re.compile(r"^([ \t]*)%(time|timeit)[ \t]+(.+)$")
_LINE_SYNTAX = re.compile("|".join(r.pattern for r in (_DISPLAY_MAGIC, _HELP, _TIME_MAGIC)))
_DISPLAY_MODES = {"plain": None, "default": None, "simple": None, "latex": "latex", "typeset": "latex",
                  "ascii_art": "ascii_art", "unicode_art": "unicode_art"}


def active() -> bool:
    """Whether this process is a Sage kernel (the zygote preloaded sage.all)."""
    return "sage.all" in sys.modules


# --- in the zygote ---------------------------------------------------------------------------

def preload() -> None:
    """Called by the zygote after importing the kernel's modules when they include sage.all:
    installs Cellar's display backend and warms up what every session would otherwise pay for
    once (a 2D plot's PNG, a 3D scene, Maxima's first computation, the preparser)."""
    global _cysignals_sigint
    from cysignals.pysignals import getossignal

    _cysignals_sigint = getossignal(signal.SIGINT)
    _install_display()
    _patch_animation()
    _warm_up()


def _warm_up() -> None:
    import contextlib
    import warnings

    import sage.all as sa
    from sage.repl.preparse import preparse

    sink = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        warnings.simplefilter("ignore")
        preparse("f(x) = x^2 + 1/3\nR.<t> = QQ[]\n[1..3]")
        x = sa.var("x")
        sa.integrate(x**2, x)
        sa.taylor(sa.sin(x), x, 0, 3)
        sa.latex(x**2 / 3)
        bundle_of(sa.plot(sa.sin(x), (x, 0, 1), figsize=2))
        y = sa.var("y")
        scene_bundle(sa.plot3d(x * y, (x, -1, 1), (y, -1, 1), plot_points=5), {"figsize": 1})
        sa.matrix(sa.QQ, 2, [1, 2, 3, 4]).det()
        # libgap starts on first use (~4 s, and it saves a 48 MB workspace under DOT_SAGE): once
        # here, not in every session that touches a permutation group.
        sa.SymmetricGroup(3).order()
        # `name?` formats documentation with docutils (~2 s to import the first time).
        from sage.misc.sageinspect import sage_getdoc

        sage_getdoc(sa.factor)


# --- in a session ----------------------------------------------------------------------------

def warm_session() -> None:
    """A pre-spawned Sage session's warm-up (see warmup.py): a small plot through the display
    path and a little symbolic arithmetic, so the pages they touch are this session's before a
    reader's first cell. Sends nothing (the displayhook returns its bundle)."""
    import sage.all as sa

    x = sa.var("x")
    bundle_of(sa.plot(sa.sin(x), (x, 0, 1), figsize=1, plot_points=20))
    repr(sa.expand((x + 1) ** 3) / 3)

def start_session() -> None:
    """Called by the session after it installed its own signal handlers: puts cysignals' OS-level
    SIGINT handler back (it calls the session's Python-level handler for Python code and raises
    KeyboardInterrupt inside C code), seeds Sage's random generators anew, and makes Sage's
    temporary directories, whose paths the zygote computed, in this session's private /tmp."""
    if _cysignals_sigint is not None:
        from cysignals.pysignals import setossignal

        setossignal(signal.SIGINT, _cysignals_sigint)
    # Every session is a fork of one zygote: without a new seed each would draw the same
    # random_matrix, randint and random() from Sage's generators (SageMathCell does the same).
    from sage.misc.randstate import set_random_seed

    set_random_seed()
    from sage.misc import misc

    for name in ("SAGE_TMP", "ECL_TMP", "SPYX_TMP", "SAGE_TMP_INTERFACE"):
        path = getattr(misc, name, None)
        if path is not None:
            try:
                os.makedirs(str(path), exist_ok=True)
            except OSError:
                pass


_main_module = None


def build_main(preimported: dict) -> None:
    """In the zygote: the `__main__` module every session's cells run in, built once (see
    main_namespace)."""
    global _main_module
    from .engine import new_main_namespace

    ns = new_main_namespace(namespace(preimported))
    _main_module = sys.modules["__main__"]
    assert _main_module.__dict__ is ns


def main_namespace() -> dict:
    """In a session: the prebuilt `__main__` (its process's own copy, written page by page)."""
    sys.modules["__main__"] = _main_module
    return _main_module.__dict__


def namespace(preimported: dict) -> dict:
    """A cell's globals: Sage's (`from sage.all import *` and the symbolic `x`) over Cellar's pre-imported names, so
    Sage's `Color` is the one cells see; `html` shows its argument at once (as in SageMathCell and
    the Sage notebook, where `html(...)` inside an interact prints)."""
    import sage.all
    from sage.calculus.predefined import x

    names = {k: v for k, v in vars(sage.all).items() if not k.startswith("_")}
    ns = {**preimported, **names, "x": x}  # as sage.all_cmdline, what `sage -c` runs in
    ns["html"] = _ImmediateHtml(names["html"])
    # view() typesets through pdflatex in a desktop Sage; here it is show(), as in SageMathCell.
    ns["view"] = names["show"]
    ns["__cellar_help__"] = _help
    ns["__cellar_display_mode__"] = set_display_mode
    ns["__cellar_timer__"] = _Timer()
    ns["__cellar_timeit__"] = _timeit
    return ns


def preparse(code: str, name: str) -> str:
    """Sage's preparser over a whole cell or `.sage` file, line for line, after IPython's line
    syntax a Sage user types on lines of their own (outside string literals): `%display MODE`,
    `%time STATEMENT`, `%timeit STATEMENT`, `name?` and `name??`, each made one line of Python."""
    from sage.repl.preparse import preparse as sage_preparse

    def display(indent, mode):
        mode = mode or "plain"
        if mode not in _DISPLAY_MODES:
            raise SyntaxError(f"%display {mode}: unknown mode (use plain, latex, ascii_art or unicode_art)")
        return f"{indent}__cellar_display_mode__({mode!r})"

    def timing(indent, which, statement):
        if which == "timeit":
            return f"{indent}__cellar_timeit__({sage_preparse(statement)!r})"
        try:
            ast.parse(sage_preparse(statement), mode="eval")
        except SyntaxError:  # a statement: timed, nothing to show
            return f"{indent}__cellar_timer__.start(); {statement}; __cellar_timer__.stop()"
        return f"{indent}__cellar_timer__.stop(__cellar_timer__.start() or ({statement}))"

    lines = code.split("\n")
    # Most cells have none: the string-literal scan runs only for a cell that might.
    candidates = [i for i, line in enumerate(lines) if ("%" in line or "?" in line) and _LINE_SYNTAX.match(line)]
    in_strings = _lines_in_strings(code) if candidates else set()
    for i in candidates:
        if i in in_strings:
            continue
        line = lines[i]
        if m := _DISPLAY_MAGIC.match(line):
            lines[i] = display(*m.groups())
        elif m := _TIME_MAGIC.match(line):
            lines[i] = timing(*m.groups())
        elif m := _HELP.match(line):
            lines[i] = f"{m.group(1)}__cellar_help__({m.group(2)}, {len(m.group(3)) == 2})"
    preparsed_files.add(name)
    return sage_preparse("\n".join(lines))


def _lines_in_strings(code: str) -> set:
    """Indices of the lines of `code` that begin inside a (multi-line) string literal."""
    from sage.repl.preparse import strip_string_literals

    stripped, literals, _ = strip_string_literals(code)
    starts = [0] + [m.end() for m in re.finditer("\n", code)]
    inside, offset, last = set(), 0, 0
    # `stripped` is `code` with each literal replaced by %(Ln)s and every other % doubled.
    for m in re.finditer(r"%\((L\d+)\)s|%%", stripped):
        offset += m.start() - last
        last = m.end()
        if m.group(0) == "%%":
            offset += 1
            continue
        length = len(literals[m.group(1)])
        inside.update(i for i, start in enumerate(starts) if offset < start < offset + length)
        offset += length
    return inside


class _Timer:
    """`%time`: CPU and wall time of one statement, printed as IPython prints them."""

    def __init__(self) -> None:
        self._started = []

    def start(self) -> None:
        self._started.append((time.process_time(), time.perf_counter()))

    def stop(self, value=None):
        cpu, wall = self._started.pop() if self._started else (time.process_time(), time.perf_counter())
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"CPU times: total: {_duration(cpu)}\nWall time: {_duration(wall)}")
        return value


def _duration(seconds: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e3), ("µs", 1e6)):
        if seconds * scale >= 1 or unit == "µs":
            return f"{seconds * scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def _help(obj, source: bool) -> None:
    """`name?`: the object's documentation as Sage formats it for a terminal; `name??` its source."""
    from sage.misc.sagedoc import format as format_doc
    from sage.misc.sageinspect import sage_getdoc, sage_getsource

    if source:
        text = sage_getsource(obj) or f"No source for {obj!r}."
    else:
        text = sage_getdoc(obj) or f"No documentation for {obj!r}."
    print(text.rstrip() + "\n")


def _timeit(statement: str) -> None:
    """`%timeit`: Sage's own timeit over the cell's globals (the statement is preparsed already)."""
    from sage.misc.sage_timeit import sage_timeit

    print(sage_timeit(statement, sys._getframe(1).f_globals, preparse=False))


def set_display_mode(mode: str) -> None:
    from sage.repl.rich_output import get_display_manager

    prefs = get_display_manager().preferences
    value = _DISPLAY_MODES[mode]
    if value is None:
        del prefs.text
    else:
        prefs.text = value


def shows_through_sage(value) -> bool:
    """Whether the engine should show `value` through Sage's display manager: Sage objects, and
    anything at all while `%display` asks for typesetting (a list of expressions)."""
    from sage.repl.rich_output import get_display_manager
    from sage.structure.sage_object import SageObject

    if isinstance(value, SageObject):
        return True
    if get_display_manager().preferences.text is None:
        return False
    return not _has_rich_repr(value)


def _has_rich_repr(value) -> bool:
    return any(callable(getattr(value, m, None)) for m in ("_repr_png_", "_repr_svg_", "_repr_html_", "_repr_latex_", "_repr_markdown_"))


def bundle_of(value) -> dict:
    """The mime bundle for a cell's last value (Sage's displayhook through our backend)."""
    from sage.repl.rich_output import get_display_manager

    return get_display_manager().displayhook(value) or {}


# --- the display backend -----------------------------------------------------------------------

class _ImmediateHtml:
    """Sage's `html`, whose result shows itself if nothing else does: as a cell's last value,
    through `show` or `pretty_print`, or else as soon as it is dropped, so a bare `html(...)`
    line inside an interact shows at once, as in the Sage notebook. `html.table`, `html.iframe`
    and the other attributes are Sage's."""

    def __init__(self, factory) -> None:
        self._factory = factory

    def __call__(self, obj, *args, **kwds):
        return _PendingHtml(self._factory(obj, *args, **kwds))

    def __getattr__(self, name):
        return getattr(self._factory, name)

    def __repr__(self) -> str:
        return repr(self._factory)


def _pending_html_class():
    from sage.misc.html import HtmlFragment

    class PendingHtml(HtmlFragment):
        shown = False

        def __del__(self):
            # CPython drops an expression statement's value right after the statement, so this
            # runs in order with the output around it.
            if self.shown:
                return
            self.shown = True
            try:
                from sage.repl.rich_output import get_display_manager

                get_display_manager().display_immediately(HtmlFragment(self))
            except Exception:  # noqa: BLE001 — never raise from __del__
                pass

    return PendingHtml


def _install_display() -> None:
    global _PendingHtml
    _PendingHtml = _pending_html_class()
    from sage.plot.animate import Animation
    from sage.plot.plot3d.base import Graphics3d
    from sage.repl.rich_output import get_display_manager
    from sage.repl.rich_output.backend_base import BackendBase
    from sage.repl.rich_output.output_basic import OutputAsciiArt, OutputLatex, OutputPlainText, OutputUnicodeArt
    from sage.repl.rich_output.output_browser import OutputHtml
    from sage.repl.rich_output.output_graphics import OutputImageGif, OutputImageJpg, OutputImagePng, OutputImageSvg

    class BackendCellar(BackendBase):
        def _repr_(self):
            return "Cellar"

        def supported_output(self):
            return {OutputPlainText, OutputAsciiArt, OutputUnicodeArt, OutputLatex, OutputHtml,
                    OutputImagePng, OutputImageGif, OutputImageJpg, OutputImageSvg}

        def displayhook(self, plain_text, rich_output):
            return _bundle(plain_text, rich_output)

        def display_immediately(self, plain_text, rich_output):
            _send(_bundle(plain_text, rich_output))

    dm = get_display_manager()
    dm.switch_backend(BackendCellar())
    sage_displayhook, sage_display_immediately = dm.displayhook, dm.display_immediately

    # 3D graphics and animations never reach the backend: their scene and GIF are ours.
    def displayhook(obj):
        special = _special_bundle(obj, {})
        return special if special is not None else sage_displayhook(obj)

    def display_immediately(obj, **kwds):
        special = _special_bundle(obj, kwds)
        if special is not None:
            _send(special)
        else:
            sage_display_immediately(obj, **kwds)

    def _special_bundle(obj, kwds):
        if isinstance(obj, _PendingHtml):
            obj.shown = True  # shown here: not again when it is dropped
            return None
        if isinstance(obj, Graphics3d):
            return scene_bundle(obj, kwds)
        if isinstance(obj, Animation):
            return animation_bundle(obj, kwds)
        return None

    dm.displayhook = displayhook
    dm.display_immediately = display_immediately


def _send(bundle: dict) -> None:
    if _publish is not None:
        _publish(bundle, {})
    else:
        print(bundle.get("text/plain", ""))


def _bundle(plain_text, rich_output) -> dict:
    from sage.repl.rich_output.output_basic import OutputAsciiArt, OutputLatex, OutputPlainText, OutputUnicodeArt
    from sage.repl.rich_output.output_browser import OutputHtml
    from sage.repl.rich_output.output_graphics import OutputImageGif, OutputImageJpg, OutputImagePng, OutputImageSvg

    plain = plain_text.text.get_str()
    if isinstance(rich_output, OutputPlainText):
        return {"text/plain": rich_output.text.get_str()}
    if isinstance(rich_output, OutputAsciiArt):
        return {"text/plain": rich_output.ascii_art.get_str()}
    if isinstance(rich_output, OutputUnicodeArt):
        return {"text/plain": rich_output.unicode_art.get_str()}
    if isinstance(rich_output, OutputLatex):
        return {"text/latex": _plain_latex(rich_output.latex.get_str()), "text/plain": plain}
    if isinstance(rich_output, OutputHtml):
        # Typeset math arrives as MathJax markup with its LaTeX beside it: the page's KaTeX
        # takes the LaTeX; other HTML is shown as HTML.
        if rich_output.latex is not None:
            return {"text/latex": _plain_latex(rich_output.latex.get_str()), "text/plain": plain}
        return {"text/html": rich_output.html.get_str(), "text/plain": plain}
    for kind, mime, attr in ((OutputImagePng, "image/png", "png"), (OutputImageGif, "image/gif", "gif"), (OutputImageJpg, "image/jpeg", "jpg")):
        if isinstance(rich_output, kind):
            return {mime: base64.b64encode(getattr(rich_output, attr).get()).decode("ascii"), "text/plain": plain}
    if isinstance(rich_output, OutputImageSvg):
        return {"image/svg+xml": rich_output.svg.get_str(), "text/plain": plain}
    return {"text/plain": plain}


_BOLD_MACRO = "\\newcommand{\\Bold}[1]{\\mathbf{#1}}"


def _plain_latex(tex: str) -> str:
    """Sage's LaTeX without the macro preamble it writes for MathJax: `\\Bold{Q}` is `\\mathbf{Q}`,
    so any renderer (the page's KaTeX, a Jupyter client) reads it as it is."""
    return tex.replace(_BOLD_MACRO, "").replace("\\Bold{", "\\mathbf{")


# --- 3D ----------------------------------------------------------------------------------------

def _rounded(values, digits: int = 5) -> list:
    return [round(float(v), digits) for v in values]


def _color_hex(color) -> str:
    if isinstance(color, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        return color.lower()
    from sage.plot.colors import Color

    return Color(color).html_color()


def scene_of(graphics, kwds: dict) -> dict:
    """The page viewer's scene (docs/exec.md, `application/vnd.cellar.scene3d+json`) of a Sage
    3D graphics object: its meshes, lines, points and labels as Sage's own three.js viewer gets
    them (`threejs_repr`), quads split into triangles, coordinates rounded to 5 decimals."""
    options = graphics._process_viewing_options(dict(kwds))
    objects = []
    for kind, desc in graphics.threejs_repr(graphics.default_render_params()):
        if kind == "surface":
            objects.append(_mesh(desc))
        elif kind == "line":
            objects.append({"type": "line", "positions": _rounded(c for p in desc["points"] for c in p),
                            "color": _color_hex(desc.get("color", "#6666ff")), "width": float(desc.get("linewidth", 1)),
                            "opacity": float(desc.get("opacity", 1))})
        elif kind == "point":
            objects.append({"type": "points", "positions": _rounded(desc["point"]), "color": _color_hex(desc.get("color", "#6666ff")),
                            "size": float(desc.get("size", 5)), "opacity": float(desc.get("opacity", 1))})
        elif kind == "text":
            objects.append({"type": "text", "text": str(desc.get("text", ""))[:200], "position": _rounded((desc["x"], desc["y"], desc["z"])),
                            "color": _color_hex(desc.get("color", "#000000")), "size": float(desc.get("fontSize", 14))})
    lo, hi = graphics.bounding_box()
    aspect = options.get("aspect_ratio", (1, 1, 1))
    if isinstance(aspect, str) or len(aspect) != 3:  # "automatic": the viewer's own scaling
        aspect = (1, 1, 1)
    return {
        "version": 1,
        "bbox": {"min": _rounded(lo), "max": _rounded(hi)},
        "aspect_ratio": [float(a) for a in aspect],
        "frame": bool(options.get("frame", True)),
        "axes": bool(options.get("axes", False)),
        "objects": objects,
    }


def _mesh(desc: dict) -> dict:
    vertices = desc["vertices"]
    positions = _rounded(c for v in vertices for c in (v["x"], v["y"], v["z"]))
    face_colors = desc.get("faceColors")
    mesh = {"type": "mesh", "color": _color_hex(desc.get("color", "#6666ff")), "opacity": float(desc.get("opacity", 1)),
            "smooth": not desc.get("useFlatShading", False)}
    if face_colors:
        # Colours per face (a colormap): each face gets vertices of its own, coloured alike.
        flat, colors, indices = [], [], []
        for face, color in zip(desc["faces"], face_colors):
            rgb = _rgb(color)
            base = len(flat) // 3
            for i in face:
                flat.extend(positions[3 * i:3 * i + 3])
                colors.extend(rgb)
            indices.extend(_fan(list(range(base, base + len(face)))))
        mesh.update(positions=flat, indices=indices, colors=colors, smooth=False)
    else:
        indices = []
        for face in desc["faces"]:
            indices.extend(_fan(face))
        mesh.update(positions=positions, indices=indices)
    return mesh


def _fan(face) -> list:
    """A convex polygon's vertex indices as triangles."""
    return [i for k in range(1, len(face) - 1) for i in (int(face[0]), int(face[k]), int(face[k + 1]))]


def _rgb(color) -> list:
    text = _color_hex(color)
    return [round(int(text[i:i + 2], 16) / 255, 4) for i in (1, 3, 5)]


def scene_png(scene: dict, size: float = 4.0) -> bytes:
    """A static picture of a scene (the viewer's fallback), drawn with matplotlib's mplot3d from
    the same data: no Tachyon, no browser."""
    from matplotlib.figure import Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    fig = Figure(figsize=(size, size), dpi=100)
    ax = fig.add_subplot(projection="3d")
    for obj in scene["objects"]:
        p = obj["positions"] if obj["type"] != "text" else obj["position"]
        pts = [p[i:i + 3] for i in range(0, len(p), 3)]
        alpha = obj.get("opacity", 1.0)
        if obj["type"] == "mesh":
            ax.add_collection3d(_shaded_mesh(obj, Poly3DCollection))
        elif obj["type"] == "line":
            xs, ys, zs = zip(*pts)
            ax.plot(xs, ys, zs, color=obj["color"], linewidth=obj.get("width", 1), alpha=alpha)
        elif obj["type"] == "points":
            xs, ys, zs = zip(*pts)
            ax.scatter(xs, ys, zs, color=obj["color"], s=obj.get("size", 5) ** 2 / 4, alpha=alpha, depthshade=False)
        elif obj["type"] == "text":
            ax.text(*p, obj["text"], color=obj["color"])
    lo, hi = scene["bbox"]["min"], scene["bbox"]["max"]
    for setter, a, b in ((ax.set_xlim, lo[0], hi[0]), (ax.set_ylim, lo[1], hi[1]), (ax.set_zlim, lo[2], hi[2])):
        setter(a, b if b > a else a + 1)
    ax.set_box_aspect([max(h - l, 1e-9) * r for l, h, r in zip(lo, hi, scene["aspect_ratio"])])
    if not scene["frame"]:
        ax.set_axis_off()
    out = io.BytesIO()
    FigureCanvasAgg(fig).print_figure(out, format="png", pil_kwargs={"compress_level": 1})
    return out.getvalue()


def _shaded_mesh(mesh: dict, Poly3DCollection):
    """A mesh's triangles, each coloured by how squarely it faces a light above the viewer
    (mplot3d's own shading needs a newer matplotlib than Debian's)."""
    import numpy as np

    points = np.asarray(mesh["positions"], dtype=float).reshape(-1, 3)
    triangles = points[np.asarray(mesh["indices"], dtype=int).reshape(-1, 3)]
    normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
    lengths = np.linalg.norm(normals, axis=1)
    lengths[lengths == 0] = 1
    light = np.array([-1.0, -1.0, 2.0]) / np.sqrt(6)
    shade = 0.35 + 0.65 * np.abs(normals @ light / lengths)
    if mesh.get("colors"):
        colors = np.asarray(mesh["colors"], dtype=float).reshape(-1, 3)
        base = colors[np.asarray(mesh["indices"], dtype=int).reshape(-1, 3)[:, 0]]
    else:
        base = np.tile(_rgb(mesh["color"]), (len(triangles), 1))
    rgba = np.column_stack([np.clip(base * shade[:, None], 0, 1), np.full(len(triangles), mesh.get("opacity", 1.0))])
    return Poly3DCollection(triangles, facecolors=rgba, edgecolors="none")


def scene_bundle(graphics, kwds: dict) -> dict:
    scene = scene_of(graphics, kwds)
    size = kwds.get("figsize", 4)
    size = float(size[0] if isinstance(size, (list, tuple)) else size)
    bundle = {SCENE_MIME: scene, "text/plain": repr(graphics)}
    try:
        bundle["image/png"] = base64.b64encode(scene_png(scene, min(max(size, 1.0), 10.0))).decode("ascii")
    except Exception as e:  # noqa: BLE001 — the viewer still has the scene
        sys.stderr.write(f"3D: no static image ({type(e).__name__}: {e})\n")
    return bundle


# --- animations --------------------------------------------------------------------------------

def _gif_bytes(animation, delay=20, iterations=0) -> bytes:
    """The animation's frames (Sage draws them to PNG files) as one looping GIF, with Pillow."""
    from PIL import Image

    directory = animation.png()
    names = sorted(n for n in os.listdir(directory) if n.endswith(".png"))
    frames = [Image.open(os.path.join(directory, n)).convert("RGB") for n in names]
    if not frames:
        raise ValueError("the animation has no frames")
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=max(int(delay), 2) * 10,
                   loop=int(iterations), optimize=False)
    return out.getvalue()


def animation_bundle(animation, kwds: dict) -> dict:
    delay = kwds.get("delay") or 20
    iterations = kwds.get("iterations") or 0
    data = _gif_bytes(animation, delay, iterations)
    return {"image/gif": base64.b64encode(data).decode("ascii"), "text/plain": repr(animation)}


def _patch_animation() -> None:
    """`Animation.gif(savefile=...)` (and `save('x.gif')`) with Pillow instead of ImageMagick's
    convert, which Debian's Sage would call and the sandbox may not have."""
    from sage.plot.animate import Animation
    from sage.misc.temporary_file import tmp_filename

    def gif(self, delay=20, savefile=None, iterations=0, show_path=False, use_ffmpeg=False):
        if use_ffmpeg:
            return self.ffmpeg(savefile=savefile, show_path=show_path, output_format=".gif", delay=delay, iterations=iterations)
        if savefile is None:
            savefile = tmp_filename(ext=".gif")
        if not savefile.endswith(".gif"):
            savefile += ".gif"
        with open(savefile, "wb") as f:
            f.write(_gif_bytes(self, delay, iterations))
        if show_path:
            print("Animation saved to file %s." % savefile)

    Animation.gif = gif
