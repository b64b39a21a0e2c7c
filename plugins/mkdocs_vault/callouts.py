"""Obsidian callouts (`> [!type] Title`) as Material admonitions and collapsible blocks.

Obsidian turns a blockquote whose first line is `[!type]` into a callout: the type
picks the colour and icon (unknown types look like `note`), the rest of the line is
the title (the type in title case when empty), and `-` / `+` right after the `]`
make it foldable, starting closed / open. We render a plain callout as Material's
admonition `<div>` and a foldable one as pymdownx.details' `<details>`, so the
theme's own styles apply and the page needs no script of ours.

Why a core rule of the note parser (`obsidian_markdown.py`) between its block and inline
passes: the blocks are CommonMark's, so a `> [!note]` inside a fence is code and never a
callout, and the body is the quote's own content, so lists, math, code, links and nested
callouts inside it behave exactly as they do outside. `token_tree.py` builds the element.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from .grammar import CALLOUT_HEADER_RE

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


def mark_callouts(state) -> None:
    """A markdown-it core rule: a blockquote whose first line is `[!type]` is a callout.

    Runs after the block pass and before inlines are parsed: the quote's first paragraph
    loses its header line, which becomes the title's own inline content, so the body
    parses exactly as a quote's would (lists, math, code, nested callouts) and the title
    as one line of text. Tokens: `callout_open` (meta: type, fold, metadata),
    `callout_title_open`, an `inline` title (empty: the default title), `callout_title_close`,
    the body, `callout_close`.
    """
    from markdown_it.token import Token  # the parser's type; this module also serves the page

    tokens = state.tokens
    index = 0
    while index < len(tokens):
        opening = tokens[index]
        index += 1
        if opening.type != "blockquote_open" or index + 1 >= len(tokens):
            continue
        if tokens[index].type != "paragraph_open":
            continue
        paragraph = tokens[index + 1]
        first, _, rest = paragraph.content.partition("\n")
        header = CALLOUT_HEADER_RE.match(first)
        if header is None:
            continue
        opening.type = "callout_open"
        opening.meta = {
            "type": header.group("type"),
            "fold": header.group("fold"),
            "metadata": header.group("meta"),
        }
        level = opening.level
        for closing in tokens[index:]:
            if closing.type == "blockquote_close" and closing.level == level:
                closing.type = "callout_close"
                break
        title = Token("inline", "", 0, content=header.group("title") or "", children=[])
        title.map = paragraph.map
        if rest.strip():
            paragraph.content = rest
            if paragraph.map:
                paragraph.map = [paragraph.map[0] + 1, paragraph.map[1]]
        else:
            del tokens[index : index + 3]  # the paragraph was the header alone
        tokens[index:index] = [
            Token("callout_title_open", "", 1),
            title,
            Token("callout_title_close", "", -1),
        ]


def callout_container(
    parent: etree.Element, kind: str, fold: str, meta: str | None = None
) -> tuple[etree.Element, etree.Element]:
    """Append the callout's container to `parent`; return it and its (empty) title."""
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
    return element, heading


def default_title(kind: str) -> str:
    """Obsidian's title for a callout without one: the type in title case (`faq` → `Faq`)."""
    return kind[:1].upper() + kind[1:].lower()
