"""Per-note and per-page limits, so that no note can make a build slow.

Python-Markdown, its extensions and MkDocs' search indexer take time that grows with the
square of some counts: the inline processors copy a paragraph's text once per match
(100,000 `#tags` on a line: minutes; a line of 1,000,000 `%`, i.e. 500,000 comment
markers: 99 s), the tables extension re-reads a block once per heading line in it
(200,000 headings: 74 s), the search indexer looks each heading up in the whole table of
contents (10,000 headings: a minute), and transclusions multiply (10 embeds on each of
6 levels: a million copies). The per-page CPU guard (`render_guard.py`) stops such a page
after `render_timeout`, but only after a minute, page after page.

So the scanner (`scan.py`) counts each of these per note, in the one linear pass it
makes anyway, and a note that passes a limit is *cut* at the line where it does: the
part before that line renders as usual, the rest is shown as written (escaped plain
text, linear), and the line is reported (`path:line`, which limit, how to fix). Limits
are far above any real note (the largest notes of large public vaults stay one to two
orders of magnitude below them); they are listed in
`docs/user/limits.md`.

Limits of a page rather than a note — transclusions expanded into one page, their
bytes per page and per build — are applied by `render.py` when it expands an embed;
the linked mentions listed on one page by `backlinks.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mkdocs.structure.toc import TableOfContents

from .render_guard import shown_as_written

# Per note (counted by the scanner outside code; past one, the rest is plain text).
MAX_HEADINGS = 1_000
MAX_TAGS = 1_000  # `#tags` written in the text
MAX_LINKS = 20_000  # `[[links]]` and `![[embeds]]` written
MAX_EMBEDS = 2_000  # `![[embeds]]` written
MAX_BLOCK_IDS = 10_000  # `^block` ids
MAX_COMMENT_MARKERS = 10_000  # `%%`: each opens or closes a comment
# `>` quote levels on one line. (Lists nested too deeply to render are the render guard's:
# it reports them when Python-Markdown runs out of stack.)
MAX_NESTING = 100

# Per page (applied while transclusions are expanded; past one, an embed is a link).
MAX_TRANSCLUSIONS_PER_PAGE = 200
MAX_TRANSCLUDED_BYTES_PER_PAGE = 5_000_000
MAX_TRANSCLUDED_BYTES_PER_BUILD = 200_000_000
# "Linked mentions" listed at the end of one page (the rest are counted, not listed).
MAX_BACKLINKS_LISTED = 1_000
# MkDocs' and Material's search indexers look each heading of a page's HTML up in its
# whole table of contents: headings × entries lookups. Past this (1,000 × 2,000) the page
# is indexed without its table of contents (page text kept, no per-heading results).
MAX_SEARCH_LOOKUPS = 2_000_000

# What each count is called in a warning, and what to do about it.
_WHAT = {
    "headings": (MAX_HEADINGS, "headings", "split the note into several notes"),
    "tags": (MAX_TAGS, "tags", "keep tags in front matter, or split the note"),
    "links": (MAX_LINKS, "links", "split the note into several notes"),
    "embeds": (MAX_EMBEDS, "embeds", "split the note into several notes"),
    "block_ids": (MAX_BLOCK_IDS, "^block ids", "split the note into several notes"),
    "comments": (MAX_COMMENT_MARKERS, "%% comment markers", "remove the runs of %"),
    "nesting": (MAX_NESTING, "levels of quote nesting", "nest quotes less deeply"),
}
# A `#` that starts a tag (at the start or after whitespace): counted, not validated, so
# `#1984` counts too — a bound, not a parse.
_TAG_LIKE_RE = re.compile(r"(?<!\S)#[\w/-]")
_NESTING_RE = re.compile(r"[ \t]*(?:>[ \t]*)*")
_HEADING_TAG_RE = re.compile(r"<h[1-6][\s>]")


@dataclass
class NoteBudget:
    """The counts of one note, while it is scanned; `cut` is where the first limit passed."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_WHAT, 0))
    cut: int | None = None  # 1-based line
    problem: tuple[int, str, str] | None = None  # (line, message, hint) for the warning

    def add(self, kind: str, line: int, amount: int = 1) -> None:
        """Count `amount` more of `kind` at `line`; the first count past a limit cuts there."""
        total = self.counts[kind] + amount
        self.counts[kind] = total
        limit, what, hint = _WHAT[kind]
        if total > limit and self.cut is None:
            self.cut = line
            self.problem = (
                line,
                f"more than {limit} {what} in one note; from this line on, the note is "
                "shown as plain text",
                hint,
            )

    def text_line(self, line: str, number: int) -> None:
        """Count what an ordinary text line holds: tag-like `#words`, quote nesting."""
        if "#" in line:
            tags = len(_TAG_LIKE_RE.findall(line))
            if tags:
                self.add("tags", number, tags)
        if ">" in line[:4]:
            depth = _NESTING_RE.match(line).group().count(">")
            if depth > MAX_NESTING:
                self.add("nesting", number, MAX_NESTING + 1)


def split_at_cut(markdown: str, line_count: int, cut: int) -> tuple[str, str]:
    """`markdown` (a page's source, front matter removed) split before source line `cut`.

    Counted from the end: MkDocs drops front matter and blank lines at the start, never
    at the end, so the last `line_count - cut + 1` lines are the note's from `cut` on.
    """
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    rest = line_count - cut + 1
    if rest <= 0:
        return markdown, ""
    rest = min(rest, len(lines))
    return "\n".join(lines[:-rest]), "\n".join(lines[-rest:])


def plain_text_html(rest: str) -> str:
    """The part of a note past its limit, escaped, in a block that says why it looks so."""
    why = "The rest of this note is shown as written: it passes a limit of the site generator."
    return shown_as_written(rest, why, "warning")


def toc_entries(toc) -> int:
    """How many entries a table of contents has, at every level."""
    count = 0
    stack = list(toc or ())
    while stack:
        item = stack.pop()
        count += 1
        stack.extend(item.children)
    return count


def search_lookups(html_text: str, toc) -> int:
    """What indexing a page costs the search plugins: its headings × its toc's entries."""
    entries = toc_entries(toc)
    return len(_HEADING_TAG_RE.findall(html_text)) * entries if entries else 0


def drop_costly_toc(page) -> tuple[str, str] | None:
    """Give `page` no table of contents when indexing it for search would pass
    `MAX_SEARCH_LOOKUPS` (its text is still indexed, as one entry); the (message, hint)
    to report then. Called before the search plugins' `on_page_context`."""
    lookups = search_lookups(page.content or "", page.toc)
    if lookups <= MAX_SEARCH_LOOKUPS:
        return None
    page.toc = TableOfContents([])
    return (
        f"indexing its headings for search would take {lookups} lookups (more than "
        f"{MAX_SEARCH_LOOKUPS}); the page is published without a table of contents",
        "split the note, or use fewer headings or tags",
    )
