"""Backlinks: who links to a note, and the words around each link.

Obsidian's "Linked mentions" pane lists, for the open note, every note whose text
links to it (wikilinks, Markdown links and embeds alike), each with the paragraph
that holds the link. We do the same at the end of every page.

The renderer already resolves every link of a page while it renders it, so it tells
the `LinkLedger` about each link between notes (`LinkRenderer.on_note_link`): no
second resolution pass, and code is never mentioned because Python-Markdown never
hands code to our processors. When a page is done, its mentions get their context:
the note's source is read once, each mention's paragraph is turned into plain text
(link syntax → the text Obsidian shows) and trimmed to the sentence around the link.
No Markdown is rendered per mention, so the cost stays linear in the vault's size.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mkdocs.plugins import get_plugin_logger

from .grammar import (
    BLOCK_ID_TAIL_RE,
    CODE_SPAN_PATTERN,
    FENCE_RE,
    HTML_ENTITY_RE,
    LIST_MARKER_PATTERN,
    QUOTE_MARKERS_PATTERN,
    display_text,
    parse_target,
)
from .html_escape import escape_attribute, escape_text
from .index import Note
from .limits import MAX_BACKLINKS_LISTED
from .resolve import block_anchor

log = get_plugin_logger(__name__)

# A context longer than this (characters of plain text) is cut to the sentence with
# the link, then to a window around it: the pane is for recognising, not reading.
MAX_CONTEXT = 280

# A paragraph longer than twice this is read only this far either side of its first
# mention: `_INLINE_RE` takes time quadratic in unclosed openers (8,000 `![a](`: 15 s),
# and the pane shows `MAX_CONTEXT` characters anyway.
READ_AROUND_MENTION = 2000

# Inline syntax that must become readable text, leftmost first, in one alternation.
_INLINE_RE = re.compile(
    rf"(?P<code_span>{CODE_SPAN_PATTERN})"  # `code` keeps its text
    r"|%%.*?%%"  # a comment disappears
    r"|(?P<wiki>!?\[\[(?P<body>[^\[\]\n]*?)\]\])"  # [[link]], ![[embed]]
    r"|(?P<md>!?\[(?P<label>[^\]\n]*)\]\((?P<url><[^>\n]*>|[^)\s]*)(?:\s+\"[^\"\n]*\")?\))"
    r"|\[\^[^\]\s]+\]"  # a footnote reference
    r"|(?P<math>\$[^$\n]+\$)"  # inline math stays as written (its `_` and `*` too)
    r"|<[^>\n]+>"  # inline HTML tags
)
# Emphasis and highlight markers around words (not `_` inside snake_case words).
_EMPHASIS_RE = re.compile(r"\*\*|__|==|~~|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|\b_|_\b")
# What starts a line without being text: heading hashes, quote marks, callout
# headers, list markers and task boxes.
_LINE_PREFIX_RE = re.compile(
    rf"^[ \t]*(?:#{{1,6}}[ \t]+|{QUOTE_MARKERS_PATTERN}(?:\[![^\]]*\][-+]?[ \t]*)?)?"
    rf"(?:{LIST_MARKER_PATTERN}[ \t]+(?:\[.\][ \t]+)?)?"
)
_BLOCK_START_RE = re.compile(
    rf"^[ \t]*(?:#{{1,6}}[ \t]|{LIST_MARKER_PATTERN}[ \t]|>|\||\^[\w-]+[ \t]*$)"
)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+")
# A backslash escape: Python-Markdown's `ESCAPED_CHARS`, and `|` (the tables extension's).
_ESCAPED_RE = re.compile(r"\\([\\`*_{}\[\]()>#+\-.!|])")
_SPACES_RE = re.compile(r"\s+")


@dataclass
class Mention:
    """One paragraph of `source` that links to `target`, ready to show."""

    source: str  # src_uri of the linking note
    target: str  # src_uri of the linked note
    line: int  # first line of the link's paragraph (orders a note's mentions)
    anchor: str | None  # the block id or heading just above, to land near the paragraph
    context: str  # HTML: escaped text, the link's text in <span class="vault-mention">
    embed: bool = False


@dataclass
class _Pending:
    target: Note
    raw: str
    line: int | None
    embed: bool


@dataclass
class LinkLedger:
    """Every link between notes rendered in this build: backlinks and graph edges.

    `record` is the renderer's `on_note_link`; `finish_page` turns the links of the
    page just rendered into `Mention`s (reading its source once).
    """

    notes: dict[str, Note] = field(default_factory=dict)
    math: bool = False
    mentions: dict[str, list[Mention]] = field(default_factory=lambda: defaultdict(list))
    edges: dict[tuple[str, str], bool] = field(default_factory=dict)  # → True if an embed
    _pending: dict[str, list[_Pending]] = field(default_factory=lambda: defaultdict(list))

    def reset(self, notes: dict[str, Note], math: bool = False) -> None:
        """Start a build over the vault's notes (generated pages are not sources).

        `math`: the site typesets pymdownx.arithmatex output, so contexts keep `$x$` as math.
        """
        self.notes = notes
        self.math = math
        self.mentions = defaultdict(list)
        self.edges = {}
        self._pending = defaultdict(list)

    def record(self, origin: Note, target: Note, raw: str, line: int | None, embed: bool) -> None:
        """A link from `origin`'s own text to `target` (self-links are not mentions)."""
        if origin is target or self.notes.get(origin.src_uri) is not origin:
            return
        if self.notes.get(target.src_uri) is not target:
            return
        key = (origin.src_uri, target.src_uri)
        self.edges[key] = self.edges.get(key, False) or embed
        self._pending[origin.src_uri].append(_Pending(target, raw, line, embed))

    def finish_page(self, note: Note) -> None:
        """The page of `note` is rendered: give each of its links a context."""
        pending = self._pending.pop(note.src_uri, None)
        if not pending:
            return
        lines = note.lines
        for mention in mentions_in(note, lines, pending, self.math):
            self.mentions[mention.target].append(mention)

    def backlinks(self, target: str) -> dict[str, list[Mention]]:
        """The mentions of `target`, grouped by linking note, each group in line order."""
        grouped: dict[str, list[Mention]] = defaultdict(list)
        for mention in self.mentions.get(target, ()):
            grouped[mention.source].append(mention)
        for group in grouped.values():
            group.sort(key=lambda m: m.line)
        return grouped


def mentions_in(
    note: Note, lines: list[str], pending: Iterable[_Pending], math: bool = False
) -> list[Mention]:
    """One `Mention` per (target, paragraph) of `note`, its links to the target marked."""
    md_seen: dict[str, int] = defaultdict(int)
    by_paragraph: dict[tuple[str, int, int], tuple[set[str], bool]] = {}
    for item in pending:
        line = item.line
        if line is None:  # a Markdown link: its URL is written on the line
            line = _line_of_url(lines, item.raw, md_seen[item.raw], note.scan.body_start)
            md_seen[item.raw] += 1
        if line is None:
            continue
        start, end = paragraph_span(lines, line)
        key = (item.target.src_uri, start, end)
        raws, embed = by_paragraph.get(key, (set(), False))
        raws.add(item.raw)
        by_paragraph[key] = (raws, embed or item.embed)
    found = []
    for (target, start, end), (raws, embed) in by_paragraph.items():
        text = " ".join(line.strip() for line in lines[start - 1 : end])
        found.append(
            Mention(
                source=note.src_uri,
                target=target,
                line=start,
                anchor=anchor_near(note, start, end),
                context=context_html(text, raws, math),
                embed=embed,
            )
        )
    return found


def _line_of_url(lines: list[str], url: str, nth: int, first: int) -> int | None:
    """The line of the `nth` Markdown link to `url` (its `](url` or `](<url>`)."""
    needles = ("](" + url, "](<" + url)
    seen = 0
    fallback = None
    for number in range(first, len(lines) + 1):
        line = lines[number - 1]
        count = sum(line.count(needle) for needle in needles)
        if count:
            fallback = fallback or number
            if seen + count > nth:
                return number
            seen += count
    return fallback


def paragraph_span(lines: list[str], line: int) -> tuple[int, int]:
    """The lines (1-based, inclusive) of the paragraph or list item holding `line`.

    A paragraph ends at a blank line, a fence, or the start of another block (a
    heading, list item, quote, table row): Obsidian's backlinks show that block.
    """
    if not 1 <= line <= len(lines):
        return line, line
    start = line
    while (
        start > 1 and not _BLOCK_START_RE.match(lines[start - 1]) and _continues(lines[start - 2])
    ):
        start -= 1
    end = line
    while end < len(lines) and _continues(lines[end]) and not _BLOCK_START_RE.match(lines[end]):
        end += 1
    return start, end


def _continues(line: str) -> bool:
    return bool(line.strip()) and not FENCE_RE.match(line)


def anchor_near(note: Note, start: int, end: int) -> str | None:
    """Where to land in the linking note: the paragraph's `^block`, else its heading."""
    for block in note.blocks.values():
        if block.start <= start and end <= max(block.end, block.marker_line):
            return block_anchor(block.id)
    above = None
    for heading in note.headings:
        if heading.line > start:
            break
        above = heading
    if above is None or above.level == 1 or not above.anchor:
        return None  # under the title: the page itself is the place
    return above.anchor


# What a piece of context text is: plain text, the link being listed, or inline math.
TEXT, MENTION, MATH = "text", "mention", "math"
Piece = tuple[str, str]  # (text, kind)


def readable(text: str, marked: set[str]) -> list[Piece]:
    """Markdown of one paragraph → pieces as a reader sees them; links in `marked` are MENTIONs.

    Links show the text Obsidian shows (`[[Note|text]]` → `text`, `[[Note#H]]` →
    `Note > H`); code keeps its text; `$math$` is kept whole for the page's typesetter;
    comments, HTML tags and emphasis markers disappear; entities read as the page shows
    them. The pieces are text, escaped once by `context_html`.
    """
    text = BLOCK_ID_TAIL_RE.sub("", _LINE_PREFIX_RE.sub("", text, count=1).rstrip())
    pieces: list[Piece] = []
    position = 0
    for match in _INLINE_RE.finditer(text):
        pieces.append((_plain(text[position : match.start()]), TEXT))
        position = match.end()
        if match.group("code_span") is not None:
            pieces.append((match.group("code").strip(), TEXT))
        elif match.group("wiki") is not None:
            shown = _decoded(display_text(parse_target(match.group("body"))))
            pieces.append((shown, MENTION if match.group("wiki") in marked else TEXT))
        elif match.group("md") is not None:
            url = match.group("url")
            url = url[1:-1] if url.startswith("<") else url
            pieces.append((_plain(match.group("label")), MENTION if url in marked else TEXT))
        elif match.group("math") is not None:
            pieces.append((match.group("math"), MATH))
    pieces.append((_plain(text[position:]), TEXT))
    return _normalise_spaces(pieces)


def _plain(text: str) -> str:
    """Text as the page shows it: no emphasis markers, entities read, `\\*` as `*`
    (code keeps all three as written)."""
    parts = _ESCAPED_RE.split(text)  # text, escaped character, text, ...
    return "".join(
        part if i % 2 else _decoded(_EMPHASIS_RE.sub("", part)) for i, part in enumerate(parts)
    )


def _decoded(text: str) -> str:
    # The page shows `&lt;b&gt;` as `<b>` (`HTML_ENTITY_RE`), so the context must too.
    return HTML_ENTITY_RE.sub(lambda entity: html.unescape(entity.group(0)), text)


def _normalise_spaces(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for text, kind in pieces:
        text = _SPACES_RE.sub(" ", text)
        if out and out[-1][0].endswith(" ") and text.startswith(" "):
            text = text[1:]  # a removed comment or tag leaves one space, not two
        if not text:
            continue
        if out and out[-1][1] == kind and kind != MATH:
            out[-1] = (out[-1][0] + text, kind)
        else:
            out.append((text, kind))
    if out:
        out[0] = (out[0][0].lstrip(), out[0][1])
        out[-1] = (out[-1][0].rstrip(), out[-1][1])
    return [piece for piece in out if piece[0]]


def trim(pieces: list[Piece], limit: int = MAX_CONTEXT) -> list[Piece]:
    """Keep the sentence with the first mention (a window around it if still long)."""
    whole = "".join(text for text, _ in pieces)
    if len(whole) <= limit:
        return pieces
    offset = 0
    mark_start = mark_end = 0
    for text, kind in pieces:
        if kind == MENTION:
            mark_start, mark_end = offset, offset + len(text)
            break
        offset += len(text)
    start = 0
    for boundary in _SENTENCE_END_RE.finditer(whole):
        if boundary.end() <= mark_start:
            start = boundary.end()
    following = _SENTENCE_END_RE.search(whole, max(mark_end, start))
    end = following.start() if following else len(whole)
    if end - start > limit:
        middle = (mark_start + mark_end) // 2
        start = max(start, middle - limit // 2)
        end = min(end, start + limit)
        start = _word_boundary(whole, start, forward=True, stop=mark_start)
        end = _word_boundary(whole, end, forward=False, stop=mark_end)
    return _slice(pieces, start, end, len(whole))


def _word_boundary(text: str, index: int, *, forward: bool, stop: int) -> int:
    """Move `index` to a space so no word is cut, never past `stop` (the link)."""
    if forward:
        space = text.find(" ", index, stop)
        return space + 1 if space >= 0 and index > 0 else index
    space = text.rfind(" ", stop, index)
    return space if space >= 0 and index < len(text) else index


def _slice(pieces: list[Piece], start: int, end: int, total: int) -> list[Piece]:
    """The pieces between two offsets of their joined text, with `…` where text was cut."""
    body: list[Piece] = []
    offset = 0
    for text, kind in pieces:
        piece_start, piece_end = offset, offset + len(text)
        offset = piece_end
        cut_start, cut_end = max(start, piece_start), min(end, piece_end)
        if cut_start < cut_end:
            cut = text[cut_start - piece_start : cut_end - piece_start]
            whole = cut_start == piece_start and cut_end == piece_end
            # Half a formula is no formula: a cut one is shown as its text.
            body.append((cut, kind if whole or kind != MATH else TEXT))
    body = _normalise_spaces(body)  # no space next to an ellipsis
    before = [("…", TEXT)] if start > 0 else []
    after = [("…", TEXT)] if end < total else []
    return _normalise_spaces(before + body + after)


def _around_first_mention(text: str, marked: set[str]) -> tuple[str, bool, bool]:
    """`text`, or the `READ_AROUND_MENTION` characters either side of its first mention;
    and whether something was cut before and after."""
    if len(text) <= 2 * READ_AROUND_MENTION:
        return text, False, False
    found = [index for raw in marked if (index := text.find(raw)) >= 0]
    first = min(found, default=0)
    start = max(0, first - READ_AROUND_MENTION)
    end = min(len(text), first + READ_AROUND_MENTION)
    return text[start:end], start > 0, end < len(text)


def context_html(text: str, marked: set[str], math: bool = False) -> str:
    """A paragraph's Markdown → escaped, trimmed text with the links in `marked` highlighted.

    With `math` (the site typesets pymdownx.arithmatex output), `$x$` becomes the same
    `<span class="arithmatex">` a page carries, so it is typeset like the note's own math.
    """
    text, cut_before, cut_after = _around_first_mention(text, marked)
    pieces = trim(readable(text, marked))
    if cut_before and pieces and pieces[0] != ("…", TEXT):
        pieces.insert(0, ("…", TEXT))
    if cut_after and pieces and pieces[-1] != ("…", TEXT):
        pieces.append(("…", TEXT))
    out = []
    for piece, kind in pieces:
        escaped = escape_text(piece)
        if kind == MENTION:
            out.append(f'<span class="vault-mention">{escaped}</span>')
        elif kind == MATH and math:
            out.append(f'<span class="arithmatex">\\({escaped[1:-1]}\\)</span>')
        else:
            out.append(escaped)
    return "".join(out)


def backlinks_html(
    grouped: dict[str, list[Mention]],
    title_of: Callable[[str], str],
    url_of: Callable[[str], str | None],
    has_anchor: Callable[[str, str], bool] = lambda _source, _anchor: True,
    limit: int = MAX_BACKLINKS_LISTED,
) -> str:
    """The "Linked mentions" section: notes by title, each with its mentions in order.

    `title_of(src_uri)` names a note; `url_of(src_uri)` is its URL relative to the page
    (None if it is not part of the site, then it is left out); `has_anchor(src_uri, id)`
    says whether the rendered page carries that id (else the mention links to the page).
    Empty when no note remains. At most `limit` mentions are listed (`limits.py`: a hub
    note linked from every daily note would otherwise carry them all); a last line counts
    the rest.
    """
    entries = []
    for source, mentions in grouped.items():
        url = url_of(source)
        if url is not None:
            entries.append((title_of(source), source, url, mentions))
    if not entries:
        return ""
    entries.sort(key=lambda entry: (entry[0].casefold(), entry[1]))
    items = []
    room = limit
    for title, _source, url, all_mentions in entries:
        mentions = all_mentions[: max(room, 0)]
        room -= len(all_mentions)
        if not mentions:
            continue
        contexts = "".join(
            '<li><a class="vault-backlink-context" '
            f'href="{escape_attribute(_with_anchor(url, anchor))}">{m.context}</a></li>'
            for m in mentions
            for anchor in [m.anchor if m.anchor and has_anchor(m.source, m.anchor) else None]
        )
        items.append(
            '<li class="vault-backlink"><a class="vault-backlink-note" '
            f'href="{escape_attribute(url)}">{escape_text(title)}</a>'
            f'<ul class="vault-backlink-contexts">{contexts}</ul></li>'
        )
    more = (
        f'<li class="vault-backlinks-more">{-room} more mentions are not listed</li>'
        if room < 0
        else ""
    )
    return (
        '<section class="vault-backlinks" data-search-exclude>'
        # A heading for assistive technology, not an <h2>: it is no part of the note's outline.
        '<div class="vault-backlinks-title" role="heading" aria-level="2">Linked mentions'
        f' <span class="vault-backlinks-count">{len(entries)}</span></div>'
        f'<ul class="vault-backlinks-list">{"".join(items)}{more}</ul></section>'
    )


def _with_anchor(url: str, anchor: str | None) -> str:
    return f"{url}#{anchor}" if anchor else url

