"""Ids a note may give the elements of its page: never markup, never a name the site owns.

An id leaves the page's content in two ways. The theme prints heading ids unescaped into
the table of contents (`<a href="#{{ id }}">`), and our anchor correction writes them
into the links of other pages: an attribute-list id holding a quote
(`## H {id='x" onfocus="…'}`) would close that `href` and add a handler. And an element
of the page answers to its id (`document.querySelector("#__config")`, `window.<id>`):
a note's `<div id="__config">` was read by Material as the site's configuration (its
search worker URL pointing at a script of the vault), a `<span id="mkdocsVaultGraph">`
took the place of our graph data.

`safe_id` makes any id safe for both, once, before anything prints or replaces it:
characters that could end an attribute or start markup become `-`, and an id that
the theme or our scripts own is prefixed with `user-content-` (the prefix GitHub gives
every id of its users' HTML). The same pure function runs in the Markdown tree (after
`toc` names the headings, before MkDocs records the page's anchors), in the sanitizer
(ids and names of a note's raw HTML) and in the heading-id prediction (`anchors.py`), so
links to a renamed heading still land on it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor

# What can end a quoted or unquoted attribute value, or start markup or an entity.
_UNSAFE_RE = re.compile(r"""[\s"'<>&`\\=\x00-\x1f\x7f]+""")
USER_PREFIX = "user-content-"
# Material's own element ids all start so (`__config`, `__search`, `__drawer`, `__toc`…);
# these two are made by Markdown extensions in content (pymdownx.tabbed, pymdownx.highlight
# line anchors) and keep working as they are.
_THEME_PREFIX = "__"
_CONTENT_PREFIXES = ("__tabbed_", "__codelineno-")
# Ids and window globals the site's scripts look up and a note must not answer to:
# MkDocs' theme (its templates' ids) and ours (`vault-graph.js`, `vault-math.js`, and the
# Material globals `vault-graph.js` tests for when Material is not the theme).
RESERVED = frozenset(
    {
        "hljs-dark",
        "hljs-light",
        "keyboardModalLabel",
        "main-content",
        "mkdocs-search-query",
        "mkdocs-search-results",
        "mkdocs_keyboard_modal",
        "mkdocs_search_modal",
        "navbar-collapse",
        "searchModalLabel",
        "theme-menu",
        "toc-collapse",
        "mkdocsVaultGraph",
        "ForceGraph",
        "katex",
        "renderMathInElement",
        "MathJax",
        "document$",
        "location$",
    }
)
# Attributes whose value is an id (or a space-separated list of ids) of the same page:
# renamed with the ids they point at, so labels and ARIA references keep working.
ID_ATTRIBUTES = frozenset({"id", "name", "for"})
ID_LIST_ATTRIBUTES = frozenset(
    {"headers", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns"}
)
# Undoes Markdown's backslash-escape placeholders (`\"` becomes a placeholder in the tree).
_UNESCAPE = UnescapeTreeprocessor()


def is_unsafe(value: str) -> bool:
    """Whether `value` holds a character that `safe_id` replaces (an author's mistake)."""
    return _UNSAFE_RE.search(value) is not None


def shadows(value: str) -> bool:
    """Whether an element with this id would answer for one of the theme's or ours."""
    if value in RESERVED:
        return True
    return value.startswith(_THEME_PREFIX) and not value.startswith(_CONTENT_PREFIXES)


def safe_id(value: str) -> str:
    """`value` as an id that no template, replacement or script can mistake.

    Idempotent (`safe_id(safe_id(x)) == safe_id(x)`): the tree, the sanitizer and the
    prediction may each apply it to the same id.
    """
    cleaned = _UNSAFE_RE.sub("-", value) if is_unsafe(value) else value
    return USER_PREFIX + cleaned if shadows(cleaned) else cleaned


def safe_reference(attribute: str, value: str) -> str:
    """The value of an id-valued attribute, its ids made safe like the ids themselves."""
    if attribute in ID_LIST_ATTRIBUTES:
        return " ".join(safe_id(token) for token in value.split())
    return safe_id(value)


class SafeIdsTreeprocessor(Treeprocessor):
    """Makes every id of the Markdown tree safe, and the table of contents with it.

    Runs right after `toc` (same priority, registered later: MkDocs lists `toc` before
    any other extension) so the heading ids it generated are covered, and before MkDocs'
    own anchor extraction (same priority, registered at render time) so the page's
    recorded anchors are the published ones. `toc`'s permalinks and `[TOC]` list point
    at the old ids with `href="#…"`: those follow the rename.
    """

    def __init__(self, md: Markdown, report: Callable[[str, str, bool], None] | None) -> None:
        super().__init__(md)
        self.report = report

    def run(self, root: etree.Element) -> None:
        renamed: dict[str, str] = {}
        for element in root.iter():
            for attribute in ("id", "name"):
                value = element.get(attribute)
                if value is None:
                    continue
                # `toc` reads ids with Markdown's backslash escapes undone, as the page
                # finally prints them: judge that text.
                plain = _UNESCAPE.unescape(value)
                new = safe_id(plain)
                if new != value:
                    element.set(attribute, new)
                    renamed[value] = new
                    if attribute == "id" and is_unsafe(plain) and self.report is not None:
                        self.report(plain, new, _is_heading(element))
        for token in _walk(getattr(self.md, "toc_tokens", None) or []):
            token["id"] = safe_id(token.get("id", ""))
        if not renamed:
            return
        for element in root.iter("a"):
            href = element.get("href", "")
            if href.startswith("#") and href[1:] in renamed:
                element.set("href", "#" + renamed[href[1:]])


def _is_heading(element: etree.Element) -> bool:
    return isinstance(element.tag, str) and element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}


def _walk(tokens: list[dict]):
    """The `toc` extension's tokens (MkDocs builds `page.toc` from them), nested ones too."""
    for token in tokens:
        yield token
        yield from _walk(token.get("children") or [])


class SafeIdsExtension(Extension):
    """Registers `SafeIdsTreeprocessor`; `report(raw, published, is_heading)` hears of an
    id that held unsafe characters (a reserved name is renamed silently: writing one is
    no mistake, and links to it follow the rename)."""

    def __init__(self, report: Callable[[str, str, bool], None] | None = None) -> None:
        super().__init__()
        self.report = report

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(SafeIdsTreeprocessor(md, self.report), "vault_safe_ids", 5)


def unsafe_id_problem(raw: str, published: str, heading: bool) -> tuple[str, str]:
    """The message and hint for an id that held unsafe characters."""
    kind = "heading id" if heading else "id"
    message = f"{kind} '{raw}' holds characters an id cannot carry; published as '{published}'"
    return message, "use letters, digits, - and _"


def line_of(lines: list[str], raw: str, default: int) -> int:
    """The first 1-based line of `lines` that holds `raw` (where an id was written)."""
    return next((number for number, line in enumerate(lines, 1) if raw in line), default)
