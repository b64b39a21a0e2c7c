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
# closes one) and `[[name]]` in hints. `shorten_names` finds exactly what the regex
#     (?<!\w)'(?P<quoted>[^\n]*?)'(?!\w)|\[\[(?P<link>[^\n]*?)\]\]
# would, in linear time: the regex scans to the end of the line from every quote that
# never closes (thousands of `'` in a name: seconds per warning).
_WORD_RE = re.compile(r"\w")


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
        return shorten_names(text).translate(_ESCAPED)


def shorten(name: str) -> str:
    """`name` if short, else its first `MAX_NAME_CHARS` characters and how many were cut."""
    if len(name) <= MAX_NAME_CHARS:
        return name
    return f"{name[:MAX_NAME_CHARS]}…(+{len(name) - MAX_NAME_CHARS} chars)"


def shorten_names(text: str) -> str:
    """`text` with every name it quotes shortened (the regex above, in linear time).

    Leftmost first, as the regex: a `'` not after a word character opens a name that the
    next `'` not before one on the same line closes; `[[` opens one the next `]]` closes.
    Each "next" is found once and reused while it lies ahead, so no stretch is rescanned.
    """
    out: list[str] = []
    ahead = _Ahead(text)
    copied = position = 0
    while True:
        start = min(ahead.next("'", position), ahead.next("[[", position))
        if start == len(text):
            break
        newline = ahead.next("\n", start)
        if text[start] == "'":
            end = ahead.next_closing_quote(start + 1)
            inside, width = end < newline and not _is_word_before(text, start), 1
        else:
            end = ahead.next("]]", start + 2)
            inside, width = end < newline, 2
        if not inside:
            position = start + 1
            continue
        name = shorten(text[start + width : end])
        out.append(text[copied:start])
        out.append(f"'{name}'" if width == 1 else f"[[{name}]]")
        copied = position = end + width
    out.append(text[copied:])
    return "".join(out)


def _is_word_before(text: str, index: int) -> bool:
    return index > 0 and _WORD_RE.match(text[index - 1]) is not None


class _Ahead:
    """The next occurrence of a string (or closing quote) at or after a position.

    Remembers the last answer per key: positions only grow, so an answer still ahead of
    the position asked about is the answer again, and the text is scanned once per key.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: dict[str, int] = {}

    def next(self, needle: str, position: int) -> int:
        """Where `needle` next occurs from `position` on (`len(text)`: nowhere)."""
        known = self.found.get(needle, -1)
        if known < position:
            known = self.text.find(needle, position)
            known = len(self.text) if known < 0 else known
            self.found[needle] = known
        return known

    def next_closing_quote(self, position: int) -> int:
        """The next `'` from `position` on that no word character follows."""
        known = self.found.get("close", -1)
        if known < position:
            text = self.text
            known = text.find("'", position)
            while known >= 0 and known + 1 < len(text) and _WORD_RE.match(text[known + 1]):
                known = text.find("'", known + 1)
            known = len(text) if known < 0 else known
            self.found["close"] = known
        return known


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
