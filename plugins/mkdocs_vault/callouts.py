"""Obsidian callouts (`> [!type] Title`) as Material admonitions and collapsible blocks.

Obsidian turns a blockquote whose first line is `[!type]` into a callout: the type
picks the colour and icon (unknown types look like `note`), the rest of the line is
the title (the type in title case when empty), and `-` / `+` right after the `]`
make it foldable, starting closed / open. We render a plain callout as Material's
admonition `<div>` and a foldable one as pymdownx.details' `<details>`, so the
theme's own styles apply and the page needs no script of ours.

Why a block processor just ahead of Python-Markdown's blockquote processor (20):
fenced code, also fenced code inside a quote, is stashed by superfences before any
block processor runs, so a `> [!note]` written inside a fence never reaches us; and
the callout body is parsed by Markdown itself (`parseChunk`), so lists, math, code,
links and nested callouts inside it behave exactly as they do outside.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockQuoteProcessor

from .grammar import mask_code_spans

# The header line of a callout, after the `> ` is removed: `[!type|metadata]±  Title`.
# Obsidian reads the type up to `]` or `|`, case-insensitively; the metadata after
# `|` is kept for CSS (`data-callout-metadata`), as Obsidian does.
CALLOUT_HEADER_RE = re.compile(
    r"^[ \t]*\[!(?P<type>[^\]|\s]+)(?:\|(?P<meta>[^\]]*))?\]"  # [!type] or [!type|meta]
    r"(?P<fold>[+-]?)"  # - starts closed, + starts open
    # The optional title, up to its last character that is no space (`.*?` before
    # `[ \t]*$` would be quadratic in a run of spaces inside the title).
    r"(?:[ \t]+(?P<title>(?:[ \t]*[^ \t])*))?[ \t]*$"
)

# Obsidian's types and aliases → the Material admonition type with the same look.
# Material styles every alias Obsidian has under the same name (`todo` looks like
# `info`, `cite` like `quote`), so the alias itself is kept as the class.
OBSIDIAN_TYPES: dict[str, str] = {
    "note": "note",
    "abstract": "abstract",
    "summary": "abstract",
    "tldr": "abstract",
    "info": "info",
    "todo": "info",
    "tip": "tip",
    "hint": "tip",
    "important": "tip",
    "success": "success",
    "check": "success",
    "done": "success",
    "question": "question",
    "help": "question",
    "faq": "question",
    "warning": "warning",
    "caution": "warning",
    "attention": "warning",
    "failure": "failure",
    "fail": "failure",
    "missing": "failure",
    "danger": "danger",
    "error": "danger",
    "bug": "bug",
    "example": "example",
    "quote": "quote",
    "cite": "quote",
}
# An unknown type keeps its name in `data-callout` (Obsidian's own CSS hook), and as a
# class only when that cannot switch on one of Material's layout modifiers.
_SAFE_CLASS_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
_RESERVED_CLASSES = frozenset(
    {"admonition", "admonition-title", "callout", "details", "inline", "end", "tabbed"}
)


class CalloutProcessor(BlockQuoteProcessor):
    """A blockquote whose first line is `[!type]` becomes a callout."""

    def test(self, parent, block) -> bool:
        match = self.RE.search(block)
        if match is None:
            return False
        return CALLOUT_HEADER_RE.match(match.group(2)) is not None

    def run(self, parent, blocks) -> None:
        block = blocks.pop(0)
        match = self.RE.search(block)
        before = block[: match.start()]
        if before.strip():
            self.parser.parseBlocks(parent, [before])
        lines = [self.clean(line) for line in block[match.start() :].lstrip("\n").split("\n")]
        header = CALLOUT_HEADER_RE.match(lines[0])
        element = callout_element(
            parent,
            header.group("type"),
            header.group("fold"),
            header.group("title"),
            header.group("meta"),
        )
        body = "\n".join(lines[1:])
        if body.strip():
            # Like a blockquote: lists inside use `<p>` the same way.
            self.parser.state.set("blockquote")
            self.parser.parseChunk(element, body)
            self.parser.state.reset()


def callout_element(
    parent: etree.Element, kind: str, fold: str, title: str | None, meta: str | None = None
) -> etree.Element:
    """Append the callout's container and title to `parent`; return the container.

    The title stays Markdown (the inline processors render emphasis and wikilinks in
    it), but `<` outside code spans is escaped first: a title is a label, never HTML.
    """
    name = kind.lower()
    material = OBSIDIAN_TYPES.get(name, "note")
    classes = [material]
    if name != material and _SAFE_CLASS_RE.match(name) and name not in _RESERVED_CLASSES:
        classes.append(name)
    classes.append("callout")
    attributes = {"data-callout": name}
    if meta and meta.strip():
        attributes["data-callout-metadata"] = meta.strip()
    if fold:
        element = etree.SubElement(parent, "details", {"class": " ".join(classes), **attributes})
        if fold == "+":
            element.set("open", "open")
        heading = etree.SubElement(element, "summary")
    else:
        classes.insert(0, "admonition")
        element = etree.SubElement(parent, "div", {"class": " ".join(classes), **attributes})
        heading = etree.SubElement(element, "p", {"class": "admonition-title"})
    heading.text = _escape_html(title if title and title.strip() else default_title(kind))
    return element


def default_title(kind: str) -> str:
    """Obsidian's title for a callout without one: the type in title case (`faq` → `Faq`)."""
    return kind[:1].upper() + kind[1:].lower()


def _escape_html(title: str) -> str:
    """`<` outside code spans as an entity, so raw HTML in a title shows as text."""
    masked = mask_code_spans(title)
    out = []
    for original, seen in zip(title, masked):
        if seen == "<" and original == "<":
            out.append("&lt;")
        else:
            out.append(original)
    return "".join(out)
