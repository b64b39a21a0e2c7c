"""Heading text → the id the rendered page really carries.

The `toc` extension slugifies the *rendered* heading (inline Markdown applied,
tags stripped, entities unescaped) and de-duplicates with `_1`, `_2`, ….
Rendering every heading of a large vault would cost a Markdown pass per
heading, so we reproduce that plain text from the source instead, with the
same slugify callable and separator that `mkdocs.yml` gives `toc`.
The plugin double-checks the prediction against each page's real toc after
rendering and corrects any link whose anchor turned out different.
Every id goes through `ids.safe_id`, as the page's ids do after `toc` (`ids.py`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

from markdown.extensions.attr_list import get_attrs_and_remainder
from markdown.extensions.toc import slugify as default_slugify
from markdown.extensions.toc import unique

from .grammar import (
    CODE_SPAN_RE,
    HEADING_LINK_UNSAFE_RE,
    HEADING_MATCH_PUNCTUATION_RE,
    INLINE_COMMENT_RE,
    WIKILINK_RE,
    display_text,
    parse_target,
)
from .ids import safe_id

Slugify = Callable[[str, str], str]

# `{#custom-id .class}`, `{: #id }` or `{id="x"}` at the end of a heading (attr_list): what
# the regex `\s*\{:?(?P<attrs>[^}]*)\}\s*$` finds, `_attr_list` finds in linear time; its
# attributes are read by attr_list's own parser (the last id wins, as it assigns them).
# Closing hashes, `(?:^|\s+)#+\s*$`; removed by `_without_closing_hashes` in linear time.
# The patterns below look for a closer from every opener, which is quadratic in a heading
# of thousands of unclosed openers (`**a **a …`, 8 KB: a second). A heading longer than
# this keeps its markup in the prediction; the plugin corrects the anchor after rendering.
MAX_MARKUP_CHARS = 1000
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK_RE = re.compile(r"\[(?P<text>[^\]]*)\]\([^)]*\)")
_TAG_RE = re.compile(r"<[^>]+>")
_FOOTNOTE_REF_RE = re.compile(r"\[\^[^\]]+\]")
_STRONG_EM_RE = re.compile(r"(?<![\w\\])(\*{1,3}|_{1,3})(?=\S)(?P<inner>.+?)(?<=\S)\1(?!\w)")
_ESCAPE_RE = re.compile(r"\\(?P<char>[\\`*_{}\[\]()#+\-.!|~=^$<>])")


def strip_heading_markup(text: str) -> tuple[str, str | None]:
    """Return the heading's plain text as `toc` will see it, and an explicit id if any.

    The id is the one written (`ids.safe_id` makes it the one published).
    """
    explicit_id = None
    attr = _attr_list(text)
    if attr:
        start, attrs = attr
        for key, value in get_attrs_and_remainder(attrs)[0]:
            if key == "id" and value:
                explicit_id = value
        text = text[:start]
    text = _without_closing_hashes(text)
    text = INLINE_COMMENT_RE.sub("", text)
    if len(text) > MAX_MARKUP_CHARS:
        return " ".join(html.unescape(text).split()), explicit_id
    codes: list[str] = []

    def stash_code(match: re.Match[str]) -> str:
        codes.append(match.group("code").strip())
        return f"\x02{len(codes) - 1}\x03"

    text = CODE_SPAN_RE.sub(stash_code, text)
    text = WIKILINK_RE.sub(
        lambda m: "" if m.group("embed") else display_text(parse_target(m.group("body"))), text
    )
    text = _FOOTNOTE_REF_RE.sub("", text)  # toc drops footnote references
    text = _IMAGE_RE.sub("", text)
    text = _LINK_RE.sub(lambda m: m.group("text"), text)
    previous = None
    while previous != text:
        previous = text
        text = _STRONG_EM_RE.sub(lambda m: m.group("inner"), text)
    text = _ESCAPE_RE.sub(lambda m: m.group("char"), text)
    text = _TAG_RE.sub("", text)
    text = re.sub(r"\x02(\d+)\x03", lambda m: codes[int(m.group(1))], text)
    # toc collapses runs of whitespace (its strip_tags does)
    return " ".join(html.unescape(text).split()), explicit_id


def heading_key(text: str) -> str:
    """What a link's heading and a heading are compared by, as Obsidian compares them
    (`grammar.HEADING_MATCH_PUNCTUATION_RE`), ignoring case as it does."""
    return " ".join(HEADING_MATCH_PUNCTUATION_RE.sub(" ", text).casefold().split())


def heading_keys(text: str) -> tuple[str, ...]:
    """The keys a heading answers to: of its source text, markup kept, which Obsidian's
    heading cache holds, and of the text the page displays, formatting stripped (code,
    emphasis, links and `[[wikilinks]]` as their text, attr_list's `{#id}` gone). A link
    written either way reaches the heading."""
    keys = [heading_key(text)]
    shown = heading_key(strip_heading_markup(text)[0])
    if shown != keys[0]:
        keys.append(shown)
    return tuple(key for key in keys if key)


def heading_link_text(text: str) -> str:
    """The heading as a link names it: the displayed text without what would end or split
    the link (Obsidian's `stripHeadingForLink`), for "did you mean" hints."""
    shown = strip_heading_markup(text)[0]
    return " ".join(HEADING_LINK_UNSAFE_RE.sub(" ", shown).split())


def _attr_list(text: str) -> tuple[int, str] | None:
    """(start, attributes) of the attr-list regex's search, without its quadratic search.

    The list is the `{` after the last `}` but one (its attributes hold no `}`), up to a
    final `}`; the match starts at the whitespace before that `{`.
    """
    body = text.rstrip()
    if not body.endswith("}"):
        return None
    close = len(body) - 1
    opener = body.find("{", body.rfind("}", 0, close) + 1, close)
    if opener < 0:
        return None
    attrs = body[opener + 1 : close]
    return len(body[:opener].rstrip()), attrs[1:] if attrs.startswith(":") else attrs


def _without_closing_hashes(text: str) -> str:
    """The text without closing hashes (the regex above's `sub`), in linear time."""
    body = text.rstrip()
    before = body.rstrip("#")
    if before == body or (before and not before[-1].isspace()):
        return text
    return before.rstrip()


class AnchorMaker:
    """Turns the headings of one page into ids, in document order, like `toc`."""

    def __init__(self, slugify: Slugify | None = None, separator: str = "-") -> None:
        self.slugify = slugify or default_slugify
        self.separator = separator

    def anchors(self, heading_texts: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
        """Ids for the headings of one page; `reserved` ids already exist on it."""
        used = set(reserved)
        counters: dict[str, int] = {}
        result = []
        for raw in heading_texts:
            plain, explicit = strip_heading_markup(raw)
            if explicit:
                used.add(explicit)
                result.append(safe_id(explicit))
                continue
            result.append(safe_id(unique(self.slugify(plain, self.separator), used, counters)))
        return result

    def slug(self, text: str) -> str:
        """Slug of one piece of text, without de-duplication."""
        return self.slugify(strip_heading_markup(text)[0], self.separator)
