"""Which fenced blocks run, and with what options.

A block runs only when its info string says so: ```` ```python exec ```` or markdown-exec's
```` ```python exec="on" ````. Options come from the info string (`key="value"`) or from
Quarto-style `#| key: value` lines at the top of the block, which stay valid Python and
look like comments in Obsidian.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from ..grammar import EXEC_OPTION_COMMENT_RE

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_KNOWN = {"exec", "source", "caption", "label", "output", "timeout", "format", "html"}


class OptionError(ValueError):
    """An option with a value it cannot have; the message says which and why."""


@dataclass(frozen=True)
class BlockOptions:
    """Per-block options.

    `source`: show the code (`show`, the default) or hide it; `caption`: alt text and
    `<figcaption>` of the block's figures; `label`: an anchor on the output; `output`:
    a name for the output files; `timeout`: seconds before the block is killed;
    `format`: `svg` (default) or `png` for figures; `html: trusted`: the block's
    `_repr_html_` output is put on the page as it is, not sanitized (`sanitize.py`).
    """

    execute: bool = False
    source: str = "show"
    caption: str | None = None
    label: str | None = None
    output: str | None = None
    timeout: float | None = None
    format: str = "svg"
    trusted_html: bool = False
    unknown: tuple[str, ...] = field(default=())


def _boolean(value: str) -> bool | None:
    lowered = value.strip().strip("\"'").lower()
    if lowered in _TRUE or lowered == "":
        return True
    if lowered in _FALSE:
        return False
    return None


def parse_info(info: str) -> dict[str, str]:
    """`python exec source="hide" timeout=5` → {'exec': '', 'source': 'hide', 'timeout': '5'}."""
    try:
        words = shlex.split(info)
    except ValueError as error:
        raise OptionError(f"cannot read the info string {info!r}: {error}") from None
    if words and "=" not in words[0]:
        words = words[1:]  # the language
    options: dict[str, str] = {}
    for word in words:
        key, _, value = word.partition("=")
        options[key.strip()] = value
    return options


def split_comment_options(code: str) -> tuple[dict[str, str], str, int]:
    """Read leading `#| key: value` lines.

    Returns the options, the code without those lines, and how many lines were removed
    (so line numbers can still point into the note).
    """
    options: dict[str, str] = {}
    lines = code.split("\n")
    taken = 0
    for line in lines:
        match = EXEC_OPTION_COMMENT_RE.match(line.strip())
        if not match:
            break
        options[match.group("key")] = match.group("value").strip().strip("\"'")
        taken += 1
    return options, "\n".join(lines[taken:]), taken


def block_options(info: str, code: str) -> tuple[BlockOptions, str, int]:
    """Options of one fenced block: info string first, `#|` lines override."""
    raw = parse_info(info)
    comment, code, taken = split_comment_options(code)
    raw.update(comment)
    marker = raw.get("exec")
    execute = marker is not None and _boolean(marker) is True
    source = raw.get("source", "show").strip("\"'") or "show"
    if source not in {"show", "hide"}:
        raise OptionError(f"source must be 'show' or 'hide', not {source!r}")
    timeout = None
    if "timeout" in raw:
        try:
            timeout = float(raw["timeout"].strip("\"'"))
        except ValueError:
            message = f"timeout must be a number of seconds, not {raw['timeout']!r}"
            raise OptionError(message) from None
        if timeout <= 0:
            raise OptionError(f"timeout must be positive, not {timeout:g}")
    figure_format = raw.get("format", "svg").strip("\"'").lower() or "svg"
    if figure_format not in {"svg", "png"}:
        raise OptionError(f"format must be 'svg' or 'png', not {figure_format!r}")
    html_trust = raw.get("html", "sanitized").strip("\"'").lower() or "sanitized"
    if html_trust not in {"trusted", "sanitized"}:
        raise OptionError(f"html must be 'trusted' or 'sanitized', not {html_trust!r}")
    return (
        BlockOptions(
            execute=execute,
            source=source,
            caption=raw.get("caption") or None,
            label=raw.get("label") or None,
            output=raw.get("output") or None,
            timeout=timeout,
            format=figure_format,
            trusted_html=html_trust == "trusted",
            unknown=tuple(sorted(set(raw) - _KNOWN)),
        ),
        code,
        taken,
    )
