"""Raw HTML in notes rendered the way Obsidian renders it: markup stays, code does not.

A vault may come from anyone, and Markdown passes raw HTML through, so a note could put
`<script>`, `onerror=` handlers or `javascript:` links on the published site. Obsidian's
reading view keeps ordinary tags (div, span, details, tables, images, links, `style`) and
drops scripts, event handlers and `javascript:` URLs; `sanitize_html` does the same with
nh3 (ammonia), on the content HTML only, so the theme's own scripts are never touched.

The allowlist keeps everything the site itself emits into content: classes and ids (our
callouts, chips, graph and outputs; Material's admonitions, tabs and tags), `data-*` and
`aria-*` attributes, `style` (heatmap cells carry `--w:` custom properties), KaTeX's
input spans, Pygments' spans and line anchors, footnotes, tables, details/summary.
`<audio>` and `<video>` stay, as in Obsidian (its help embeds hosted media with them), with
their player attributes and `http(s)` or relative sources; their handlers go like any
other. `<iframe>` is dropped (Obsidian shows embedded pages; a published site should not
frame what an unknown author chose), as are `<style>`, `<form>` and `<object>`.

The plugin's own players and PDF viewers (`media.py`) go through `clean_own_embed`, a
narrower policy, and then stay out of the page's sanitizing as trusted HTML; what that
policy removes from our own output is named by `removed_parts`, so it is reported.

Ids and names survive, made safe by `ids.safe_reference`: one that the theme or our
scripts look up (`__config`, `mkdocsVaultGraph`) is prefixed, so a note's element can
never stand in for the site's own (`ids.py`); labels and ARIA references follow.
`data-md-*` attributes are dropped: Material finds its components by
`data-md-component` (all of them, for some), so a note's element must not carry one.

HTML a block vouches for (`#| html: trusted`) must survive the page's sanitizing:
`TrustedHtml` swaps it for an unguessable text token before, and back after.
"""

from __future__ import annotations

import functools
import re
import secrets
from html.parser import HTMLParser

import nh3
from mkdocs.plugins import get_plugin_logger

from .ids import ID_ATTRIBUTES, ID_LIST_ATTRIBUTES, safe_reference

log = get_plugin_logger(__name__)

# nh3's defaults plus what Markdown extensions and Material put in content: tfoot (tables),
# input/label (pymdownx.tabbed, task lists), section (footnotes), svg is not needed (our
# figures are <img>). Forms cannot be submitted without <form>, which stays out.
TAGS = nh3.ALLOWED_TAGS | {"tfoot", "input", "label", "section", "main", "picture", "source"}
TAGS |= {"audio", "video"}  # Obsidian plays them; their `on*` handlers are removed as anywhere

# Attributes on every tag. `style` stays, as in Obsidian (browsers run no script from CSS).
_GLOBAL = {"class", "id", "style", "title", "lang", "dir", "role", "hidden", "tabindex"}
_PER_TAG = {
    "a": {"href", "hreflang", "name", "target", "rel", "download"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "source": {"src", "srcset", "type", "media"},
    "audio": {"src", "controls", "loop", "muted", "preload"},
    "video": {"src", "controls", "loop", "muted", "preload", "width", "height", "playsinline"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "input": {"type", "checked", "disabled", "name", "value"},
    "label": {"for"},
    "td": {"colspan", "rowspan", "align", "headers"},
    "th": {"colspan", "rowspan", "align", "headers", "scope"},
}
ATTRIBUTES = {"*": _GLOBAL} | {
    tag: nh3.ALLOWED_ATTRIBUTES.get(tag, set()) | extra for tag, extra in _PER_TAG.items()
}
ATTRIBUTES |= {tag: attrs for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag not in ATTRIBUTES}

# Relative URLs (our links, figures, anchors) always pass; so do absolute ones with these
# schemes, and any other scheme a page's links use (`irc:`, `zotero:`, `obsidian:`: Obsidian
# and CommonMark link them), except the ones a browser runs or reads as a document.
URL_SCHEMES = {"http", "https", "mailto", "tel"}
UNSAFE_SCHEMES = frozenset({"javascript", "vbscript", "data", "blob", "filesystem", "file"})
# A scheme as written at the start of a URL attribute; nh3 still parses every URL itself,
# so a scheme hidden by entities or control characters is judged by its rules, not ours.
_URL_SCHEME_RE = re.compile(r"""\b(?:href|src)\s*=\s*["']?([A-Za-z][A-Za-z0-9+.-]{0,31}):""")

_ID_VALUED = ID_ATTRIBUTES | ID_LIST_ATTRIBUTES
_THEME_DATA = "data-md-"  # Material's: `data-md-component`, `data-md-state`, …


def _safe_ids(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: ids (and what refers to them) that shadow nothing."""
    if attribute in _ID_VALUED:
        return safe_reference(attribute, value)
    return None if attribute.startswith(_THEME_DATA) else value


@functools.lru_cache(maxsize=32)
def _cleaner(extra_schemes: frozenset[str]) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        generic_attribute_prefixes={"data-", "aria-"},
        url_schemes=URL_SCHEMES | extra_schemes,
        link_rel=None,  # nh3 would add rel="noopener noreferrer" to every link, ours included
        strip_comments=False,  # comments are inert; plugins (and our own markers) use them
        attribute_filter=_safe_ids,
    )


def sanitize_html(html: str) -> str:
    """The content HTML with scripts, event handlers and unsafe URLs removed."""
    schemes = {match.lower() for match in _URL_SCHEME_RE.findall(html)} - URL_SCHEMES
    return _cleaner(frozenset(schemes - UNSAFE_SCHEMES)).clean(html)


# The plugin's own embeds: these elements with these attributes, and relative URLs only
# (every file we embed is on the site), so even our own output cannot carry more.
_OWN_EMBED_CLEANER = nh3.Cleaner(
    tags={"audio", "video", "iframe", "a"},
    attributes={
        "audio": {"class", "controls", "preload", "src", "title"},
        "video": {"class", "controls", "preload", "src", "title"},
        "iframe": {"class", "src", "title", "style"},
        "a": {"class", "href"},
    },
    url_schemes=set(),
    link_rel=None,
    strip_comments=True,
)


def clean_own_embed(html: str) -> tuple[str, list[str]]:
    """A player or viewer the plugin built, cleaned by its own policy; and what was removed."""
    cleaned = _OWN_EMBED_CLEANER.clean(html)
    return cleaned, removed_parts(html, cleaned)


class _StartTags(HTMLParser):
    """The start tags of a fragment, in order: `(tag, {attribute: value})`."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def removed_parts(before: str, after: str) -> list[str]:
    """What sanitizing `before` into `after` took out: `<iframe>`, `'onerror' of <video>`.

    Compares the start tags in order (the sanitizer only removes and rewrites, never
    reorders), so it names whole elements that vanished and attributes that vanished
    or changed value.
    """
    if before == after:
        return []
    kept = _StartTags(after).tags
    removed: list[str] = []
    position = 0
    for tag, attributes in _StartTags(before).tags:
        if position < len(kept) and kept[position][0] == tag:
            survivor = kept[position][1]
            position += 1
            for name, value in attributes.items():
                if survivor.get(name) != value:
                    removed.append(f"'{name}' of <{tag}>")
        else:
            removed.append(f"<{tag}>")
    return removed


class TrustedHtml:
    """Snippet HTML a block marked `#| html: trusted`, kept out of the page's sanitizing.

    `keep` returns a token to put in the page instead; `restore` puts the HTML back once
    the page is sanitized. The token holds a secret made per build, so a note cannot
    write one to smuggle HTML past the sanitizer.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget what was kept (a new build) and draw a new secret."""
        self._secret = secrets.token_hex(16)
        self._kept: dict[str, str] = {}
        self._pattern = re.compile(rf"vault-trusted-{self._secret}-\d+")

    def keep(self, html: str) -> str:
        """A plain-text token standing for `html` until `restore`."""
        token = f"vault-trusted-{self._secret}-{len(self._kept)}"
        self._kept[token] = html
        return token

    def restore(self, html: str) -> str:
        """`html` with every token replaced by the HTML it stands for."""
        if not self._kept:
            return html
        return self._pattern.sub(lambda match: self._kept.get(match.group(0), ""), html)
