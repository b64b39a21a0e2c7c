"""Block results as data: the JSON form that crosses the worker pipe and lies in the cache.

A pickle runs code when it is read: `pickle.loads` calls whatever callable the bytes
name. A worker runs a note's code, so what it sends back is untrusted; a cache folder may
come from another branch's CI run or a copied project. Both are therefore read as JSON
and rebuilt field by field into `BlockResult` (only strings, numbers, lists and our own
dataclasses), and anything that does not have exactly that shape is refused with
`RecordError`, which callers turn into a miss or a failed block, never a crash.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from .runner import BlockResult, Figure


class RecordError(ValueError):
    """A record that is not a well-formed block result (foreign, damaged, crafted)."""


_TEXT = ("stdout", "stderr", "error_hint")
_OPTIONAL_TEXT = ("rich_kind", "rich", "error")
_INTS = ("started_ns", "ended_ns")


def result_to_data(result: BlockResult) -> dict[str, Any]:
    """A JSON-ready dict of `result`, without its state (which travels apart, as bytes)."""
    return {
        **{name: str(getattr(result, name)) for name in _TEXT},
        **{
            name: None if getattr(result, name) is None else str(getattr(result, name))
            for name in _OPTIONAL_TEXT
        },
        "error_line": None if result.error_line is None else int(result.error_line),
        "figures": [
            {"format": str(f.format), "data": base64.b64encode(bytes(f.data)).decode("ascii")}
            for f in result.figures
        ],
        "modules": {str(path): str(digest) for path, digest in result.modules.items()},
        "seconds": float(result.seconds),
        "vault_writes": [str(path) for path in result.vault_writes],
        **{name: int(getattr(result, name)) for name in _INTS},
    }


def result_from_data(data: object) -> BlockResult:
    """Rebuild a `BlockResult` from `result_to_data`'s dict; `RecordError` for anything else.

    Values are checked by exact type (`type(x) is str`), so no subclass with behaviour of
    its own gets through even in a process that receives objects rather than JSON.
    """
    expected = set(_TEXT) | set(_OPTIONAL_TEXT) | set(_INTS)
    expected |= {"error_line", "figures", "modules", "seconds", "vault_writes"}
    if type(data) is not dict or set(data) != expected:
        raise RecordError("not a block result")
    for name in _TEXT:
        _check(type(data[name]) is str, name)
    for name in _OPTIONAL_TEXT:
        _check(data[name] is None or type(data[name]) is str, name)
    for name in _INTS:
        _check(type(data[name]) is int, name)
    _check(data["error_line"] is None or type(data["error_line"]) is int, "error_line")
    _check(type(data["seconds"]) in (int, float), "seconds")
    _check(type(data["vault_writes"]) is list, "vault_writes")
    _check(all(type(path) is str for path in data["vault_writes"]), "vault_writes")
    modules = data["modules"]
    _check(type(modules) is dict and all(type(v) is str for v in modules.values()), "modules")
    _check(type(data["figures"]) is list, "figures")
    figures = [_figure(item) for item in data["figures"]]
    return BlockResult(
        stdout=data["stdout"],
        stderr=data["stderr"],
        figures=figures,
        rich_kind=data["rich_kind"],
        rich=data["rich"],
        error=data["error"],
        error_line=data["error_line"],
        error_hint=data["error_hint"],
        modules=dict(modules),
        seconds=float(data["seconds"]),
        vault_writes=tuple(data["vault_writes"]),
        started_ns=data["started_ns"],
        ended_ns=data["ended_ns"],
    )


def _figure(item: object) -> Figure:
    _check(type(item) is dict and set(item) == {"format", "data"}, "figures")
    _check(type(item["format"]) is str and type(item["data"]) is str, "figures")
    try:
        data = base64.b64decode(item["data"].encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as error:
        raise RecordError("a figure is not base64") from error
    return Figure(item["format"], data)


def _check(condition: bool, field_name: str) -> None:
    if not condition:
        raise RecordError(f"bad field {field_name!r}")


# -- the worker pipe: one JSON message per frame, a block's state in the next frame -------
def encode_message(kind: str, **fields: Any) -> bytes:
    """A pipe message: `{"kind": ..., **fields}` as JSON (ASCII: a lone surrogate in a
    block's output is escaped, not an encoding error)."""
    return json.dumps({"kind": kind, **fields}).encode("ascii")


def decode_message(frame: bytes) -> dict[str, Any]:
    """The dict `encode_message` made; `RecordError` for any other bytes."""
    try:
        message = json.loads(frame.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise RecordError("not a JSON message") from error
    if type(message) is not dict or type(message.get("kind")) is not str:
        raise RecordError("a message without a kind")
    return message
