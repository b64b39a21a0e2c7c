"""A note's blocks as the page parses them: code, math and headings with their lines.

The page is parsed by the note parser (`obsidian_markdown.note_parser`), by CommonMark's
block rules plus GFM tables, footnote definitions and `$$` math. What the scanner, the
comment stripper and the tag finder need to know about blocks (which lines are code,
where a heading is and what it says) must be what the page shows, or a link to a heading
misses its anchor and a `file:line` warning points at the wrong line. Emulating the
rules line by line cannot keep up with CommonMark (a list item right after a paragraph
line, a fence inside a list item or quote, a fence that never closes running to the end
of its container, setext headings, lazy continuation lines), so this module runs the
page's own block parser, its block pass only (`md.block.parse`: no inline parsing, no
core rules), and reads the tokens' `.map` line ranges.

The block pass of a typical note costs about as much as the scanner's own line loop. The
scanner runs it once per note (twice for a note with `%%` comments: once on the text with
comments, to find the code no `%%` is a marker in, once on the text the page parses);
the tag finder once more, only for a note with a `#tag` in it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# What the page's parse removes before parsing (`token_tree.install`): Python-Markdown's
# placeholders (a line of only `\x02` is blank to the page, so it must be here too); and
# what markdown-it's normalizing replaces, which `md.block.parse` skips. Looked for first:
# `str.translate` costs as much as a third of the block parse, and most notes hold none.
_PAGE_REMOVES = str.maketrans({"\x02": None, "\x03": None, "\x00": "\ufffd"})
_PAGE_REMOVES_ANY = ("\x02", "\x03", "\x00")


@dataclass(frozen=True)
class Fence:
    """A fenced code block: 0-based lines of its opener and its last line (the closer,
    or for a fence that never closes, the last line of its container), as the page
    reads it. `markup` + `info` is the opener as the page hands it to superfences;
    `code` is its content with the container's markers and indentation removed."""

    start: int
    end: int
    markup: str
    info: str
    code: str
    closed: bool = True  # False: no closer, code to the end of its container


@dataclass(frozen=True)
class HeadingBlock:
    """An ATX or setext heading: its 0-based first and last lines (a setext heading's
    underline), level and text as written (inline markup kept, closing hashes and a
    container's markers removed; a setext heading's lines joined by `\\n`)."""

    line: int
    end: int
    level: int
    text: str


@dataclass
class NoteBlocks:
    """The blocks of one text that the scanner and its helpers look at, in document order."""

    fences: list[Fence] = field(default_factory=list)
    # 0-based [start, end) line ranges whose text is not Markdown on the page: indented
    # code and `$$` math blocks (fences are in `fences`).
    literal: list[tuple[int, int]] = field(default_factory=list)
    # 0-based [start, end) line ranges of raw HTML blocks: the page passes them through as
    # written, so a `[[link]]` or `#tag` in one is text (a `%%` still opens a comment).
    html: list[tuple[int, int]] = field(default_factory=list)
    headings: list[HeadingBlock] = field(default_factory=list)

    def unparsed_lines(self) -> set[int]:
        """Every 0-based line inside a fence, indented code, math or an HTML block: lines
        whose text the page shows without reading its Markdown (links, tags, ids)."""
        lines: set[int] = set()
        for fence in self.fences:
            lines.update(range(fence.start, fence.end + 1))
        for start, end in (*self.literal, *self.html):
            lines.update(range(start, end))
        return lines


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """The page's own parser, whose block ruler is used as is: the same rules, by
    construction. Imported on first use: `obsidian_markdown` imports `tags`, which
    imports `comments`, which imports this module. Line breaks are an inline matter:
    the parser of either line-break setting has these blocks."""
    from .obsidian_markdown import note_parser

    return note_parser(True)


def note_blocks(lines: list[str], headings: bool = True) -> NoteBlocks:
    """Parse `lines` (one string per line, no line ends) with the page's block rules."""
    md = _parser()
    text = "\n".join(lines)
    if any(char in text for char in _PAGE_REMOVES_ANY):
        text = text.translate(_PAGE_REMOVES)
    tokens: list = []
    md.block.parse(text + "\n", md, {}, tokens)
    blocks = NoteBlocks()
    last = len(lines) - 1
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "fence":
            start, stop = token.map
            end = min(stop - 1, last)
            closed = end > start and _is_closer(lines[end], token.markup)
            blocks.fences.append(
                Fence(start, end, token.markup, token.info, token.content, closed)
            )
        elif kind == "code_block" or kind == "math_block":
            blocks.literal.append((token.map[0], token.map[1]))
        elif kind == "html_block":
            blocks.html.append((token.map[0], token.map[1]))
        elif kind == "heading_open" and headings:
            inline = tokens[index + 1]
            start, stop = token.map
            blocks.headings.append(HeadingBlock(start, stop - 1, int(token.tag[1]), inline.content))
    return blocks


def fenced_code_blocks(lines: list[str]) -> dict[int, int]:
    """Fenced code as the page finds it: opener index → last index (0-based). The last
    line is the closer, or for a fence that never closes, the last line of its
    container (the note, the list item or the quote), which CommonMark makes code."""
    return {fence.start: fence.end for fence in note_blocks(lines, headings=False).fences}


def _is_closer(line: str, markup: str) -> bool:
    """Whether a fence's last line closes it: a run of its fence character at least as
    long as its opener's, after the container's markers and indentation. (markdown-it
    does not record it; a last code line written exactly so would read as a closer.)"""
    run = line.lstrip(" \t>").rstrip(" \t")
    return len(run) >= len(markup) and run == markup[0] * len(run)
