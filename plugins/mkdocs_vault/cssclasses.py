"""`cssclasses:` in front matter: classes on the page, for the site owner's CSS.

Obsidian puts a note's `cssclasses` (legacy: `cssclass`) on the container of the
note's content, so a CSS snippet like `.wide-tables table { width: 100% }` styles
only those notes. The published page's counterpart is the content `<article>`
(Material and most themes), else MkDocs' `role="main"` container, else `<body>`.
"""

from __future__ import annotations

import html
import re

from .properties import list_items

CLASS_KEYS = ("cssclasses", "cssclass")
# One CSS class token that needs no escaping in a selector (Unicode letters allowed).
CLASS_NAME_RE = re.compile(r"^-?[^\W\d][\w-]*$")
CLASS_HINT = "a class is letters, digits, _ and -, not starting with a digit"
# Where the classes go, most specific first: the first opening tag found wins.
_CONTAINERS = (
    re.compile(r"<article\b[^>]*>"),
    re.compile(r"<div\b[^>]*\brole=\"main\"[^>]*>"),
    re.compile(r"<body\b[^>]*>"),
)
_CLASS_ATTR_RE = re.compile(r"\bclass=\"(?P<value>[^\"]*)\"")


def page_classes(meta: dict) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The valid classes of `cssclasses`/`cssclass`, and (key, message, hint) problems.

    A value may be a list or a string of space / comma separated names, as Obsidian
    accepted before properties were typed.
    """
    classes: list[str] = []
    problems: list[tuple[str, str, str]] = []
    for key in CLASS_KEYS:
        value = meta.get(key)
        if value is None:
            continue
        items = list_items(value)
        if items is None:
            problems.append((key, f"'{key}: {value!r}' is not a list of classes", CLASS_HINT))
            continue
        for item in items:
            name = str(item).strip()
            if isinstance(item, str) and CLASS_NAME_RE.match(name):
                if name not in classes:
                    classes.append(name)
            else:
                problems.append((key, f"{item!r} in '{key}' is not a CSS class", CLASS_HINT))
    return classes, problems


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
