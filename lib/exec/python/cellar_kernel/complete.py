"""Completion and help from a session's namespace (docs/exec.md, "Completion and help"): what
Jupyter's complete_request and inspect_request answer, and what `name?` / `name??` print.

Nothing here evaluates an expression the user typed. A dotted name `a.b.c` is resolved by a walk
over plain names: the first from the namespace (or builtins), each attribute with
`inspect.getattr_static`, so a property, a `__getattr__` or any other Python-level descriptor
never runs (the walk stops there: nothing is completed after it, and help describes the property
itself). Two calls do run the user's code, as in IPython: `dir(obj)` of the object whose
attributes are completed (its `__dir__`; Sage's elements list their category's methods that way)
and `repr(obj)` in help's "String form". The session bounds them (`QueryLimit`): a wall clock of
`QUERY_SECONDS` (SIGALRM), and whatever they print goes nowhere.
"""

import builtins
import importlib
import importlib.util
import inspect
import keyword
import pkgutil
import re
import sys
import types

MAX_MATCHES = 200
MAX_NAME = 200
MAX_HELP_CHARS = 64 * 1024
_STRING_FORM_CHARS = 500
# The dotted name that ends at the cursor: `np.li`, `math.`, `x`. `\w` and `[^\W\d]` are Unicode-aware.
_TRAILING_NAME = re.compile(r"((?:[^\W\d]\w*\.)*)([^\W\d]\w*)?$")
_IMPORT = re.compile(r"^\s*(?:import|from)\s+([\w.]*)$")
_IMPORT_LIST = re.compile(r"^\s*import\s+(?:[\w.]+(?:\s+as\s+\w+)?\s*,\s*)+([\w.]*)$")
_FROM_IMPORT = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+\(?\s*(?:\w+(?:\s+as\s+\w+)?\s*,\s*)*(\w*)$")
# Module names found on sys.path outside the session's working directory (they do not change).
_module_names_cache = None


def _keywords() -> list:
    return sorted(set(keyword.kwlist) | set(getattr(keyword, "softkwlist", [])))


def _is(obj, kinds) -> bool:
    """isinstance by the real type only: isinstance falls back to `obj.__class__`, which a
    class may make a property (the user's code, run by a mere check)."""
    return issubclass(type(obj), kinds)


def _rank(name: str) -> tuple:
    # As IPython: public names first, then _private, then __dunder__.
    return (name.startswith("__"), name.startswith("_"), name.lower(), name)


def _filter(names, prefix: str) -> list:
    """Names that start with `prefix`; _private ones only when the prefix starts with `_`."""
    seen = set()
    out = []
    for name in names:
        if not isinstance(name, str) or name in seen or not name.startswith(prefix) or len(name) > MAX_NAME:
            continue
        if name.startswith("_") and not prefix.startswith("_"):
            continue
        if name.startswith("__cellar"):
            continue  # the kernel's own helpers in Sage's namespace
        seen.add(name)
        out.append(name)
    out.sort(key=_rank)
    return out[:MAX_MATCHES]


_MISSING = object()


def _static_attr(obj, name: str):
    """`obj.name` without running Python-level descriptors; _MISSING when it cannot be had so."""
    try:
        value = inspect.getattr_static(obj, name)
    except AttributeError:
        return _MISSING
    if _is(value, (staticmethod, classmethod)):
        return value.__func__
    # C-level descriptors (slots, getset of built-in types) are safe to read; a property or a
    # descriptor written in Python would run the user's code: the walk stops there.
    if _is(value, (types.MemberDescriptorType, types.GetSetDescriptorType)) and not _is(obj, type):
        try:
            return getattr(obj, name)
        except Exception:  # noqa: BLE001 — an unset slot
            return _MISSING
    return value


def resolve(dotted: str, namespace: dict):
    """The object a dotted name names, by the static walk; _MISSING when it names nothing."""
    parts = dotted.split(".")
    if not all(p.isidentifier() for p in parts):
        return _MISSING
    head = parts[0]
    if head in namespace:
        obj = namespace[head]
    elif hasattr(builtins, head):
        obj = getattr(builtins, head)
    else:
        return _MISSING
    for part in parts[1:]:
        if _is(obj, property):
            return _MISSING
        obj = _static_attr(obj, part)
        if obj is _MISSING:
            return _MISSING
    return obj


def _attributes(obj) -> list:
    try:
        names = dir(obj)  # the object's own __dir__ may run: bounded by the session's QueryLimit
    except Exception:  # noqa: BLE001 — a broken __dir__ completes nothing
        names = []
    if not isinstance(names, list):
        return []
    if _is(obj, types.ModuleType):
        # Submodules not imported yet (`os.pa` → `os.path` is imported; `xml.do` → `xml.dom` is not).
        path = getattr(obj, "__path__", None)
        if isinstance(path, list):
            try:
                names += [m.name for m in pkgutil.iter_modules(path)]
            except Exception:  # noqa: BLE001
                pass
    return names


def _module_names(work_dir) -> list:
    global _module_names_cache
    if _module_names_cache is None:
        others = [p for p in sys.path if p and p != work_dir and not (work_dir and p.startswith(work_dir + "/"))]
        _module_names_cache = sorted({m.name for m in pkgutil.iter_modules(others)} | set(sys.builtin_module_names))
    names = list(_module_names_cache)
    if work_dir:
        names += [m.name for m in pkgutil.iter_modules([work_dir])]
    return names


def _submodules(package: str) -> list:
    module = sys.modules.get(package)
    if module is None:
        spec = importlib.util.find_spec(package)  # imports the parents of a dotted name only
        path = spec.submodule_search_locations if spec is not None else None
    else:
        path = getattr(module, "__path__", None)
    if not path:
        return []
    return [m.name for m in pkgutil.iter_modules(list(path))]


def _import_matches(line: str, work_dir):
    """(matches, length of the typed part) for the import statements, else None."""
    m = _FROM_IMPORT.match(line)
    if m:
        module_name, prefix = m.groups()
        try:
            module = sys.modules.get(module_name) or importlib.import_module(module_name)
            names = list(getattr(module, "__all__", None) or dir(module))
            names += _submodules(module_name)
        except Exception:  # noqa: BLE001 — a module that does not import completes nothing
            names = []
        return _filter(names, prefix), len(prefix)
    m = _IMPORT.match(line) or _IMPORT_LIST.match(line)
    if m:
        typed = m.group(1)
        package, _, prefix = typed.rpartition(".")
        try:
            names = _submodules(package) if package else _module_names(work_dir)
        except Exception:  # noqa: BLE001
            names = []
        return _filter(names, prefix), len(prefix)
    return None


def complete(code: str, cursor: int, namespace: dict, work_dir=None) -> dict:
    """Jupyter's complete_reply content for `code` with the cursor at `cursor` (code points)."""
    cursor = max(0, min(cursor, len(code)))
    before = code[:cursor]
    line = before.rpartition("\n")[2]
    imports = _import_matches(line, work_dir)
    if imports is not None:
        matches, typed = imports
    else:
        m = _TRAILING_NAME.search(line)
        dotted, prefix = (m.group(1), m.group(2) or "") if m else ("", "")
        start = len(line) - len(dotted) - len(prefix)
        if start > 0 and line[start - 1] in ".)]}'\"":
            matches, typed = [], 0  # the attribute of an expression we do not evaluate
        elif dotted:
            obj = resolve(dotted[:-1], namespace)
            # A property's value would come from running it: nothing to complete.
            matches = [] if obj is _MISSING or _is(obj, property) else _filter(_attributes(obj), prefix)
            typed = len(prefix)
        elif prefix:
            names = list(namespace) + dir(builtins) + _keywords()
            matches, typed = _filter(names, prefix), len(prefix)
        else:
            matches, typed = [], 0
    return {"status": "ok", "matches": matches, "cursor_start": cursor - typed, "cursor_end": cursor, "metadata": {}}


def _name_at(code: str, cursor: int):
    """The dotted name the cursor is on, or the one whose call's parentheses it is in."""
    cursor = max(0, min(cursor, len(code)))
    after = re.match(r"\w*", code[cursor:]).group(0)
    m = _TRAILING_NAME.search(code[:cursor] + after)
    name = (m.group(1) + (m.group(2) or "")).rstrip(".") if m else ""
    if name:
        return name
    depth = 0
    for i in range(cursor - 1, -1, -1):
        c = code[i]
        if c in ")]}":
            depth += 1
        elif c in "([{":
            if depth == 0:
                if c != "(":
                    return None
                m = _TRAILING_NAME.search(code[:i].rstrip())
                name = (m.group(1) + (m.group(2) or "")).rstrip(".") if m else ""
                return name or None
            depth -= 1
        elif c == "\n" and depth == 0 and not code[:i].rstrip().endswith((",", "(", "\\")):
            return None
    return None


def _signature(obj, sage: bool):
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        pass
    if not sage:
        return None
    try:  # Cython functions without an embedded signature: Sage reads their source
        from sage.misc.sageinspect import sage_getargspec

        spec = sage_getargspec(obj)
    except Exception:  # noqa: BLE001
        return None
    defaults = list(spec.defaults or ())
    args = list(spec.args)
    first_default = len(args) - len(defaults)
    parts = [a if i < first_default else f"{a}={defaults[i - first_default]!r}" for i, a in enumerate(args)]
    if spec.varargs:
        parts.append(f"*{spec.varargs}")
    if spec.varkw:
        parts.append(f"**{spec.varkw}")
    return "(" + ", ".join(parts) + ")"


def _doc(obj, sage: bool):
    if sage:
        try:
            from sage.misc.sageinspect import sage_getdoc

            return sage_getdoc(obj)
        except Exception:  # noqa: BLE001
            pass
    return inspect.getdoc(obj)


def help_text(name: str, namespace: dict, detail: int = 0, sage: bool = False):
    """IPython's `name?` (detail 0: signature and docstring) or `name??` (1: the source too), as
    text; None when the name names nothing."""
    obj = resolve(name, namespace)
    if obj is _MISSING:
        return None
    kind = type(obj)
    lines = []
    if callable(obj) or _is(obj, property):
        signature = _signature(obj.fget if _is(obj, property) and obj.fget else obj, sage)
        if signature is not None:
            lines.append(f"Signature: {name}{signature}")
    elif not _is(obj, (types.ModuleType, type)):
        try:
            form = repr(obj)  # the object's __repr__ may run: bounded like __dir__
        except Exception:  # noqa: BLE001
            form = None
        if isinstance(form, str):
            if len(form) > _STRING_FORM_CHARS:
                form = form[:_STRING_FORM_CHARS] + "…"
            lines.append(f"String form: {form}")
    lines.append(f"Type: {kind.__module__ + '.' if kind.__module__ not in ('builtins', None) else ''}{kind.__qualname__}")
    doc = _doc(obj, sage)
    if detail >= 1:
        try:
            source = inspect.getsource(obj)
        except (OSError, TypeError):
            source = None
        if source:
            lines.append("Source:\n" + source.rstrip())
        elif doc:
            lines.append("Docstring:\n" + doc.rstrip())
    elif doc:
        lines.append("Docstring:\n" + doc.rstrip())
    else:
        lines.append("Docstring: <no docstring>")
    text = "\n".join(lines)
    if len(text) > MAX_HELP_CHARS:
        text = text[:MAX_HELP_CHARS] + "\n[truncated]"
    return text


def inspect_code(code: str, cursor: int, namespace: dict, detail: int = 0, sage: bool = False) -> dict:
    """Jupyter's inspect_reply content: `found`, and the help text as text/plain."""
    name = _name_at(code, cursor)
    text = help_text(name, namespace, detail, sage) if name else None
    if text is None:
        return {"status": "ok", "found": False, "data": {}, "metadata": {}}
    return {"status": "ok", "found": True, "data": {"text/plain": text}, "metadata": {}}


# ── `name?` and `name??` in a Python cell ────────────────────────────────────────────────────

_HELP_LINE = re.compile(r"^([ \t]*)([^\W\d][\w.]*)(\?\??)[ \t]*$")


def help_lines(code: str):
    """The cell with its `name?` / `name??` lines made calls of `show_help` (line for line), or
    None when it has none. Used only when the cell does not parse as it is, so a `?` line inside
    a string literal of a valid cell stays."""
    lines = code.split("\n")
    changed = False
    for i, line in enumerate(lines):
        m = _HELP_LINE.match(line)
        if m and "?" in line:
            indent, name, marks = m.groups()
            lines[i] = f"{indent}__import__('cellar_kernel.complete').complete.show_help({name!r}, {len(marks) - 1})"
            changed = True
    return "\n".join(lines) if changed else None


def show_help(name: str, detail: int = 0) -> None:
    """Prints `name?`'s help in the running cell (the caller's globals are the namespace)."""
    namespace = sys._getframe(1).f_globals
    text = help_text(name, namespace, detail)
    print(text if text is not None else f"Object `{name}` not found.")
