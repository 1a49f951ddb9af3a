"""Rich output for Cellar cells.

    from cellar import display, HTML, Markdown, Latex, SVG, Image
    display(HTML("<b>bold</b>"), Latex(r"$e^{i\\pi} + 1 = 0$"))

`display` is also available in every cell without importing it. Any object with IPython-style
`_repr_html_`, `_repr_png_`, ... methods displays richly; a matplotlib figure displays as PNG.
Outside a Cellar session, `display` prints the plain-text form.

`scatter(f, tasks)` runs `f` over many tasks in worker sandboxes and `gather(job)` collects the
results (cellar.jobs); both are also available in every cell.

`shared` (also in every cell) holds the snippet's values that outlive sessions (cellar.shared;
docs/exec.md section 5). The name `cellar.shared` is that object; the module stays importable as
`from cellar.shared import Shared`.

Live interacts (`@interact` and its controls) are in `cellar.interact`, also importable as the
top-level module `interact`.
"""

import os

from .jobs import Job, JobCancelled, TaskError, TasksFailed, gather, scatter
from .shared import Shared

__all__ = ["display", "HTML", "Markdown", "Latex", "SVG", "Image", "JSON", "scatter", "gather", "Job", "TaskError",
           "TasksFailed", "JobCancelled", "shared"]

# A wait ("shared.watch") holds at most 30 s in the service; the rest is slack.
_SHARED_TIMEOUT = 60.0


def _shared_call(op: str, payload: dict) -> dict:
    """One `shared` request as the service request "shared.<op>" (the service adds the session's
    scope). A refusal comes back as the reply the Shared class reads ({"ok": False, "error"})."""
    from cellar_kernel import requests

    try:
        return requests.request("shared." + op, payload, _SHARED_TIMEOUT, retry=True)
    except requests.ServiceError as e:
        return {"ok": False, "error": {"code": e.code, "message": str(e)}}


# Main thread only, while a cell runs (service requests): no watch(key, callback).
shared = Shared(_shared_call, callbacks=False)

# Set by the session to a function that sends a display_data bundle. A cell that replaces it
# only changes its own display() calls: the session's own output does not go through here.
_publisher = None
# Set by the session to a function (interact id, fn) -> bool that runs one interact function run
# under that interact's tag (its output goes to the interact's area), showing its error if it
# raises. None outside a session: cellar.interact then runs functions plainly.
_interact_runner = None


def display(*objs, raw: bool = False, metadata=None) -> None:
    """Shows each object as rich output under the cell; with raw=True each object is already a
    {mimetype: data} bundle."""
    from cellar_kernel.displays import mime_bundle
    import sys

    for obj in objs:
        if not raw and _displays_itself(obj):
            obj._cellar_display_()  # an ipywidgets widget or interactive: it shows itself
            continue
        bundle = dict(obj) if raw else mime_bundle(obj, sys.stderr.write)
        if _publisher is None:
            print(bundle.get("text/plain", ""))
        else:
            _publisher(bundle, dict(metadata or {}))


def _displays_itself(obj) -> bool:
    """Whether `obj` shows itself (cellar.ipywidgets' widgets and interactive): displaying it, or
    leaving it as a cell's last value, calls its `_cellar_display_` instead of showing a bundle.
    Cellar's own name, not IPython's `_ipython_display_`: other libraries' objects that have
    that one call into IPython, which is not here; they keep showing through their reprs."""
    return not isinstance(obj, type) and callable(getattr(obj, "_cellar_display_", None))


class _Text:
    _mime = "text/plain"

    def __init__(self, data: str = None, *, filename: str = None) -> None:
        if filename is not None:
            with open(filename, encoding="utf-8") as f:
                data = f.read()
        if not isinstance(data, str):
            raise TypeError(f"{type(self).__name__}() takes a str (or filename=...), got {type(data).__name__}")
        self.data = data

    def __repr__(self) -> str:
        return f"<cellar.{type(self).__name__} object>"


class HTML(_Text):
    """HTML shown as is (the page renders it in a sandboxed frame)."""

    def _repr_html_(self) -> str:
        return self.data


class Markdown(_Text):
    """Markdown text."""

    def _repr_markdown_(self) -> str:
        return self.data


class Latex(_Text):
    """LaTeX math, e.g. Latex(r"$\\int_0^1 x\\,dx$")."""

    def _repr_latex_(self) -> str:
        return self.data


class SVG(_Text):
    """An SVG image given as text (or filename=...)."""

    def _repr_svg_(self) -> str:
        return self.data


class JSON:
    """A JSON-compatible value shown as application/json."""

    def __init__(self, data) -> None:
        self.data = data

    def _repr_json_(self):
        return self.data

    def __repr__(self) -> str:
        return repr(self.data)


_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8", "jpeg"), (b"GIF8", "gif"))
_EXTENSIONS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif"}


class Image:
    """A PNG, JPEG or GIF image from bytes or a file: Image("plot.png") or Image(data=b"...")."""

    def __init__(self, data=None, *, filename: str = None, format: str = None) -> None:
        if isinstance(data, (str, os.PathLike)):
            data, filename = None, os.fspath(data)
        if filename is not None:
            with open(filename, "rb") as f:
                data = f.read()
            format = format or _EXTENSIONS.get(os.path.splitext(filename)[1].lower())
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("Image() takes bytes or a file name")
        self.data = bytes(data)
        self.format = format or next((f for magic, f in _MAGIC if self.data.startswith(magic)), None)
        if self.format not in ("png", "jpeg", "gif"):
            raise ValueError("Image(): not a PNG, JPEG or GIF image (give format='png'|'jpeg'|'gif')")
        self.filename = filename

    def _repr_png_(self):
        return self.data if self.format == "png" else None

    def _repr_jpeg_(self):
        return self.data if self.format == "jpeg" else None

    def _repr_gif_(self):
        return self.data if self.format == "gif" else None

    def __repr__(self) -> str:
        return f"<cellar.Image {self.format}, {len(self.data)} bytes>"
