"""What the user process U may say, as the relay R reads it (docs/exec.md section 2).

U runs the cells, so every byte it writes is the user's: a line is taken only when it is one of
the messages a cell produces (its outputs, its error, its reply), with the content shape the
service expects, and it is re-framed by the relay (the parent is the relay's current request,
the only metadata an interact tag). Status, "dead" and the service's own errors are never U's.
Also the requests the service sends (`parse_request`), read by both R and U."""

import json
import re

# The same private encoder as the channel: a cell cannot monkeypatch it (it lives in another process anyway).
encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), default=repr).encode

OUTPUTS = frozenset({"stream", "display_data", "execute_result", "error"})
_INTERACT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")  # lib/exec/protocol.ts ZInteractId
_REPLY_STATUS = frozenset({"ok", "error", "aborted"})
# Error names the service and the relay use for their own verdicts (the page shows a
# LimitExceeded as a limit the service enforced): U's may carry them only when checked.
LIMIT_ENAME = "LimitExceeded"
RESERVED_ENAMES = frozenset({LIMIT_ENAME, "SessionEnded"})
RENAMED_SUFFIX = " (raised by the code)"


def _is_bundle_content(content: dict) -> bool:
    return isinstance(content.get("data"), dict) and isinstance(content.get("metadata", {}), dict)


def _valid_content(msg_type: str, content) -> bool:
    if not isinstance(content, dict):
        return False
    if msg_type == "stream":
        return content.get("name") in ("stdout", "stderr") and isinstance(content.get("text"), str)
    if msg_type == "error":
        tb = content.get("traceback")
        return (isinstance(content.get("ename"), str) and isinstance(content.get("evalue"), str)
                and isinstance(tb, list) and all(isinstance(x, str) for x in tb))
    if msg_type == "execute_result":
        count = content.get("execution_count")
        return _is_bundle_content(content) and (count is None or (isinstance(count, int) and not isinstance(count, bool)))
    return _is_bundle_content(content)


def output_of(msg):
    """(msg_type, content, interact tag or None) of an output U may send, else None."""
    if not isinstance(msg, dict):
        return None
    msg_type, content = msg.get("msg_type"), msg.get("content")
    if msg_type not in OUTPUTS or not _valid_content(msg_type, content):
        return None
    metadata = msg.get("metadata")
    tag = metadata.get("interact") if isinstance(metadata, dict) else None
    if not (isinstance(tag, str) and _INTERACT_ID.match(tag)):
        tag = None
    return msg_type, content, tag


# A service request's line at most (cellar_kernel/requests.py; the service checks it too).
MAX_REQUEST_BYTES = 4 << 20
_REQUEST_OP = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")


def service_request_of(msg, size: int):
    """The content of a service request U may send ({"id": n, "op": "...", ...}, at most
    MAX_REQUEST_BYTES), else None."""
    if not isinstance(msg, dict) or msg.get("msg_type") != "service_request" or size > MAX_REQUEST_BYTES:
        return None
    content = msg.get("content")
    if not isinstance(content, dict):
        return None
    rid, op = content.get("id"), content.get("op")
    if isinstance(rid, bool) or not isinstance(rid, int) or not 0 <= rid < 1 << 53:
        return None
    if not isinstance(op, str) or not _REQUEST_OP.match(op):
        return None
    return content


def reply_of(msg):
    """The content of U's execute_reply, reduced to status and execution_count, else None."""
    if not isinstance(msg, dict) or msg.get("msg_type") != "execute_reply":
        return None
    content = msg.get("content")
    if not isinstance(content, dict) or content.get("status") not in _REPLY_STATUS:
        return None
    count = content.get("execution_count")
    if isinstance(count, bool) or not (count is None or isinstance(count, int)):
        count = None
    return {"status": content["status"], "execution_count": count}


def disown(content: dict) -> dict:
    """An error whose name is one of ours, renamed so that nobody takes it for ours."""
    return {**content, "ename": content["ename"] + RENAMED_SUFFIX}


def cpu_limit(content: dict, cpu_seconds: float) -> dict:
    """U's CPU limit error with the words the gate uses (gate.py), whatever U wrote in it."""
    evalue = f"stopped: used more than {cpu_seconds:g} s of CPU time"
    return {**content, "evalue": evalue, "traceback": content["traceback"][:-1] + [f"{LIMIT_ENAME}: {evalue}"]}


def line(msg_type: str, parent: str, content: dict, tag=None) -> bytes:
    """One message for the service, framed by the relay."""
    msg = {"msg_type": msg_type, "parent": parent, "content": content}
    if tag is not None:
        msg["metadata"] = {"interact": tag}
    return (encode(msg) + "\n").encode("ascii")


DEFAULT_CPU_SECONDS = 30.0


QUERIES = frozenset({"complete", "inspect"})
MAX_MATCHES = 200
MAX_MATCH_CHARS = 200
MAX_HELP_CHARS = 64 * 1024 + 64


def query_reply_of(msg, op: str):
    """The content of U's complete_reply or inspect_reply (for request `op`), reduced to the
    fields the service reads and within their caps, else None."""
    if not isinstance(msg, dict) or msg.get("msg_type") != f"{op}_reply":
        return None
    content = msg.get("content")
    if not isinstance(content, dict):
        return None
    if op == "complete":
        matches, start, end = content.get("matches"), content.get("cursor_start"), content.get("cursor_end")
        if not (isinstance(matches, list) and all(isinstance(m, str) and 0 < len(m) <= MAX_MATCH_CHARS for m in matches)):
            return None
        if not all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in (start, end)) or start > end:
            return None
        return {"status": "ok", "matches": matches[:MAX_MATCHES], "cursor_start": start, "cursor_end": end, "metadata": {}}
    found, data = content.get("found"), content.get("data")
    if not isinstance(found, bool) or not isinstance(data, dict):
        return None
    text = data.get("text/plain")
    if found and not (isinstance(text, str) and len(text) <= MAX_HELP_CHARS):
        return None
    return {"status": "ok", "found": found, "data": {"text/plain": text} if found else {}, "metadata": {}}


def parse_request(msg) -> tuple:
    """("execute", msg_id, code, filename, cpu_seconds), ("interact", msg_id, interact id,
    values, cpu_seconds), ("complete" | "inspect", msg_id, code, cursor, detail_level,
    cpu_seconds) of a well-formed request, else ValueError. An update's id and values are the
    engine's to judge: it answers an unknown id, and ignores values it cannot take."""
    op = msg.get("op") if isinstance(msg, dict) else None
    if op not in ("execute", "interact", "complete", "inspect"):
        raise ValueError(f"expected an execute, interact, complete or inspect request, got {str(msg)[:80]}")
    msg_id = msg.get("msg_id")
    cpu = msg.get("cpu_seconds", DEFAULT_CPU_SECONDS)
    if not isinstance(msg_id, str):
        raise ValueError(f"{op}: msg_id must be a string")
    if isinstance(cpu, bool) or not isinstance(cpu, (int, float)) or cpu <= 0:
        raise ValueError(f"{op}: cpu_seconds must be a positive number")
    if op == "interact":
        return op, msg_id, msg.get("interact"), msg.get("values"), float(cpu)
    if op in QUERIES:
        code, cursor, detail = msg.get("code"), msg.get("cursor_pos"), msg.get("detail_level", 0)
        if not isinstance(code, str):
            raise ValueError(f"{op}: code must be a string")
        if isinstance(cursor, bool) or not isinstance(cursor, int) or not 0 <= cursor <= len(code):
            raise ValueError(f"{op}: cursor_pos must be a position in the code")
        if detail not in (0, 1) or isinstance(detail, bool):
            raise ValueError(f"{op}: detail_level must be 0 or 1")
        return op, msg_id, code, cursor, detail, float(cpu)
    code, filename = msg.get("code"), msg.get("filename")
    if not isinstance(code, str):
        raise ValueError("execute: code must be a string")
    if filename is not None and (not isinstance(filename, str) or not filename):
        raise ValueError("execute: filename must be a non-empty string or null")
    return op, msg_id, code, filename, float(cpu)
