"""Obsidian's `%%comments%%`, as one rule for the scanner, the tag finder and the page.

A comment runs from a `%%` to the next `%%`, across any blocks: inside one line, across
the lines of a paragraph, or over headings, lists, callouts and fences (Obsidian's block
comment, and the shape of every Excalidraw note). What it encloses is hidden, markers
included; everything else stays where it was. A `%%` is no marker inside code: a code
span, a fenced block (a closed fence inside a comment is hidden whole, so a `%%` in its
code cannot close the comment), or an indented code or `$$` math block outside a
comment. The blocks are found by the page's own CommonMark block rules (`blocks.py`), on
the text with its comments, since comments are removed before the page is parsed. A
`[[link]]` that starts before a `%%` keeps it (`[[a%%b]]` is a link), as the inline
processor reads it.

The result keeps one line per source line, so the scanner reports links and headings at
their own line, and the page (`markdown_ext.CommentPreprocessor`) parses exactly the
lines the scanner read: a heading inside a comment is no heading in either, and a link
inside one is neither rendered nor reported. A line wholly inside a comment is emptied,
except for its `>` markers when the comment opened inside a quote or callout, so a
comment inside a callout does not end the callout.
"""

from __future__ import annotations

import re

from .blocks import note_blocks
from .grammar import QUOTE_PREFIX_RE, WIKILINK_FAST_RE, mask_code_spans

MARKER = "%%"


def strip_comments(lines: list[str]) -> list[str]:
    """`lines` with every comment removed, one output line per input line.

    Linear in the text: each line is masked once and each `%%` visited once. Callers skip
    it when the text holds no `%%` (most notes), so a note without comments costs nothing.
    """
    parsed = note_blocks(lines, headings=False)
    fences = {fence.start: fence.end for fence in parsed.fences}
    # A fence that never closes is code to the end of its container outside a comment, as
    # the page shows it; inside one the page never sees it, and its `%%` still closes the
    # comment (otherwise a stray fence in a comment would hide the rest of the note).
    unclosed = {fence.start for fence in parsed.fences if not fence.closed}
    # Indented code and `$$` math as the page finds them: outside a comment, a `%%` in one
    # is code, no marker (inside a comment, it closes the comment as on any other line).
    literal = {start: stop - 1 for start, stop in parsed.literal}
    out: list[str] = []
    in_comment = False
    quoted = False  # the open comment began inside a quote: its lines keep their `>`
    fence_end: int | None = None
    literal_end = -1
    for index, line in enumerate(lines):
        if fence_end is not None or (index in fences and not (in_comment and index in unclosed)):
            if fence_end is None:
                fence_end = fences[index]
            if index == fence_end:
                fence_end = None
            out.append(_quote_prefix(line) if in_comment and quoted else "" if in_comment else line)
            continue
        if not in_comment and (index <= literal_end or index in literal):
            literal_end = max(literal_end, literal.get(index, -1))
            out.append(line)
            continue
        masked = mask_code_spans(line) if "`" in line else line
        if not in_comment and MARKER not in masked:
            out.append(line)
            continue
        opened_here = not in_comment
        visible, in_comment = _strip_line(line, masked, in_comment, quoted)
        if in_comment and opened_here:
            quoted = _quote_prefix(line) != ""
        out.append(visible)
    return out


def _quote_prefix(line: str) -> str:
    match = QUOTE_PREFIX_RE.match(line)
    return match.group(0) if match else ""


def _strip_line(line: str, masked: str, in_comment: bool, quoted: bool) -> tuple[str, bool]:
    """Remove the commented parts of one line; report whether a comment stays open.

    Markers are looked for in `masked` (code spans blanked, same length); the text kept
    is cut from `line`, so code spans stay as written.
    """
    out = []
    position = 0
    if in_comment and quoted:
        prefix = _quote_prefix(line)
        out.append(prefix)
        position = len(prefix)
    marker = masked.find(MARKER, position)
    links = _LinksAfter(masked)
    while marker >= 0:
        if in_comment:
            in_comment = False
        else:
            link = links.first_from(position)
            if link is not None and link.start() < marker:
                out.append(line[position : link.end()])  # the link, `%%` and all
                position = link.end()
                if marker < position:
                    marker = masked.find(MARKER, position)
                continue
            out.append(line[position:marker])
            in_comment = True
        position = marker + 2
        marker = masked.find(MARKER, position)
    if not in_comment:
        out.append(line[position:])
    return "".join(out), in_comment


class _LinksAfter:
    """The next `[[...]]` of a line from a position on, searched again only once passed.

    Keeps `_strip_line` linear on a line of many `%%` and a far-away link.
    """

    def __init__(self, line: str) -> None:
        self.line = line
        self.found = WIKILINK_FAST_RE.search(line)

    def first_from(self, position: int) -> re.Match | None:
        """The first link starting at or after `position`, None if there is none."""
        if self.found is not None and self.found.start() < position:
            self.found = WIKILINK_FAST_RE.search(self.line, position)
        return self.found
