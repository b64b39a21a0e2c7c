"""Two cases of GFM's extended autolinks that `mdit_py_plugins.gfm_autolink` misses.

The plugin finds a bare address at its `@` by scanning back over the text before it, and
a URL at its `:` by scanning back for `http`, `https`, `mailto` or `xmpp`. GFM (and
Obsidian, which links bare URLs as GitHub does) also links:

* an address whose local part holds `_` (`a.b-c_d@a.b`): the emphasis rule has taken the
  `_` as a delimiter before the `@` is reached, so the back-scan stops at it. A rule just
  before emphasis sees the `_` first and, when an address follows, hands the text up to
  the `@` back to the plugin's own rule;
* `ftp://` URLs, read by the plugin's own `http://` matcher.

And it bounds the plugin's work: its rules copy the rest of the paragraph (`src[pos:]`)
each time they are tried, which is at every `:`, `@` and `w`, so a long paragraph took
time quadratic in its length (a 1.4 MB note: 1.2 s of 4). An autolink never spans
whitespace, so each rule is run on the text up to the next whitespace only.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.gfm_autolink import _match

# The rest of an address's local part from a `_` on, up to its `@`.
_LOCAL_TAIL_RE = re.compile(r"_[A-Za-z0-9._+-]*@")
_WHITESPACE_RE = re.compile(r"\s")
# The character each of the plugin's rules starts at.
_TRIGGERS = {"gfm_autolink_www": "w", "gfm_autolink_protocol": ":", "gfm_autolink_email": "@"}
# What may stand right before an autolink (start, whitespace or `*`, `_`, `~`, `(`).
_BEFORE = frozenset(" \t\n*_~(")


def plugin(md: MarkdownIt) -> None:
    """Add both rules and bound the plugin's; `gfm_autolink_plugin` must be enabled first."""
    for rule in md.inline.ruler.__rules__:
        if rule.name in _TRIGGERS:
            rule.fn = _up_to_whitespace(rule.fn, _TRIGGERS[rule.name])
    md.inline.ruler.__cache__ = None  # the chains hold the functions: rebuild them
    email = next(rule.fn for rule in md.inline.ruler.__rules__ if rule.name == "gfm_autolink_email")

    def underscore_email(state: StateInline, silent: bool) -> bool:
        """At a `_` inside an address: take the local part to the `@`, then the plugin's rule."""
        if silent or state.linkLevel > 0 or state.src[state.pos] != "_":
            return False
        match = _LOCAL_TAIL_RE.match(state.src, state.pos, state.posMax)
        if match is None:
            return False
        pending, pos = state.pending, state.pos
        state.pending += state.src[pos : match.end() - 1]
        state.pos = match.end() - 1
        if email(state, silent):
            return True
        state.pending, state.pos = pending, pos
        return False

    md.inline.ruler.before("emphasis", "vault_autolink_email", underscore_email)
    md.inline.ruler.before("gfm_autolink_protocol", "vault_autolink_ftp", _ftp)


def _up_to_whitespace(rule, trigger: str):
    """`rule`, tried only at its `trigger` character, on the text up to the next
    whitespace (an autolink's end)."""

    def bounded(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != trigger:
            return False
        end = _WHITESPACE_RE.search(state.src, state.pos, state.posMax)
        if end is None:
            return rule(state, silent)
        limit, state.posMax = state.posMax, end.start()
        try:
            return rule(state, silent)
        finally:
            state.posMax = limit

    return bounded


def _ftp(state: StateInline, silent: bool) -> bool:
    """`ftp://host/path`: found at its `:`, with `ftp` the last text before it."""
    if silent or state.linkLevel > 0 or not state.pending.endswith("ftp"):
        return False
    before = state.pending[-4:-3]
    if before and before not in _BEFORE:
        return False
    rest = state.src[state.pos : state.posMax]
    if not rest.startswith("://"):
        return False
    found = _match.match_http("http" + rest)
    if found is None:
        return False
    _url, length = found
    text = "ftp" + rest[: length - 4]
    href = state.md.normalizeLink(text)
    if not state.md.validateLink(href):
        return False
    state.pending = state.pending[:-3]
    token = state.push("link_open", "a", 1)
    token.attrs = {"href": href}
    token.markup = "autolink"
    token.info = "auto"
    state.push("text", "", 0).content = state.md.normalizeLinkText(text)
    token = state.push("link_close", "a", -1)
    token.markup = "autolink"
    token.info = "auto"
    state.pos += length - 4
    return True
