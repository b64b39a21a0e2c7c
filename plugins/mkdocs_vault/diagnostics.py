"""Warnings that read `vault/path/Note.md:LINE: problem (hint)`.

MkDocs turns any WARNING into a failure under `--strict`, so reporting is just
logging at the right level; this module only formats and de-duplicates (a
section transcluded into three pages is still one broken link).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)

# A link target is the writer's text: control characters in it would reach the terminal
# (ANSI escapes, NUL) and bidi overrides would reorder the line; both are shown escaped.
_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPED = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}
_ESCAPED.update({c: f"\\u{c:04x}" for c in _BIDI})

# A name a warning quotes is the writer's text too, and may be thousands of characters
# long (a pasted paragraph in `[[...]]`): a warning keeps its start, enough to find it.
MAX_NAME_CHARS = 120
# What warnings quote: `'name'` (a quote inside a word, as in `it's`, neither opens nor
# closes one) and `[[name]]` in hints.
_QUOTED_NAME_RE = re.compile(r"(?<!\w)'(?P<quoted>[^\n]*?)'(?!\w)|\[\[(?P<link>[^\n]*?)\]\]")


@dataclass(frozen=True)
class Diagnostic:
    """One problem at one place in one note."""

    path: str
    line: int
    message: str
    hint: str = ""
    level: int = logging.WARNING

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        text = f"{self.path}:{self.line}: {self.message}{hint}"
        # Cut before escaping, so the cut counts the writer's characters and never splits
        # an escape sequence.
        return _QUOTED_NAME_RE.sub(_shorten_quoted, text).translate(_ESCAPED)


def shorten(name: str) -> str:
    """`name` if short, else its first `MAX_NAME_CHARS` characters and how many were cut."""
    if len(name) <= MAX_NAME_CHARS:
        return name
    return f"{name[:MAX_NAME_CHARS]}…(+{len(name) - MAX_NAME_CHARS} chars)"


def _shorten_quoted(match: re.Match) -> str:
    if match.group("link") is not None:
        return f"[[{shorten(match.group('link'))}]]"
    return f"'{shorten(match.group('quoted'))}'"


class Diagnostics:
    """Collects the diagnostics of one build, logging each once."""

    def __init__(self) -> None:
        self.seen: list[Diagnostic] = []
        self._keys: set[Diagnostic] = set()

    def reset(self) -> None:
        """Forget the previous build (mkdocs serve rebuilds in the same process)."""
        self.seen.clear()
        self._keys.clear()

    def report(
        self, path: str, line: int, message: str, hint: str = "", level: int = logging.WARNING
    ) -> None:
        """Log a problem unless the same one was already logged in this build."""
        diagnostic = Diagnostic(path, line, message, hint, level)
        if diagnostic in self._keys:
            return
        self._keys.add(diagnostic)
        self.seen.append(diagnostic)
        log.log(level, str(diagnostic))
