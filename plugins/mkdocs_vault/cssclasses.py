"""`cssclasses:` in front matter: classes on the page, for the site owner's CSS.

Obsidian puts a note's `cssclasses` (legacy: `cssclass`) on the container of the
note's content, so a CSS snippet like `.wide-tables table { width: 100% }` styles
only those notes. The published page's counterpart is the content `<article>`
(Material and most themes), else MkDocs' `role="main"` container, else `<body>`.
"""

from __future__ import annotations

import html
import re

from .properties import CSS_CLASSES, Problem, read_list

# Where the classes go, most specific first: the first opening tag found wins.
_CONTAINERS = (
    re.compile(r"<article\b[^>]*>"),
    re.compile(r"<div\b[^>]*\brole=\"main\"[^>]*>"),
    re.compile(r"<body\b[^>]*>"),
)
_CLASS_ATTR_RE = re.compile(r"\bclass=\"(?P<value>[^\"]*)\"")


def page_classes(meta: dict) -> tuple[list[str], list[Problem]]:
    """The valid classes of `cssclasses`/`cssclass` (read as `properties.py` reads every
    list property), each once, and (key, message, hint) problems."""
    value = read_list(meta, CSS_CLASSES)
    return list(dict.fromkeys(value.items)), value.problems


def add_classes(page_html: str, classes: list[str]) -> str:
    """Add `classes` to the page's content container (see the module docstring)."""
    if not classes:
        return page_html
    for container in _CONTAINERS:
        match = container.search(page_html)
        if match is None:
            continue
        tag = match.group(0)
        names = " ".join(html.escape(name, quote=True) for name in classes)
        existing = _CLASS_ATTR_RE.search(tag)
        if existing is None:
            new_tag = f'{tag[:-1].rstrip("/").rstrip()} class="{names}">'
        else:
            value = f"{existing.group('value')} {names}".strip()
            new_tag = tag[: existing.start()] + f'class="{value}"' + tag[existing.end() :]
        return page_html[: match.start()] + new_tag + page_html[match.end() :]
    return page_html
