"""The parser of a note's body: CommonMark + GFM + Obsidian's syntax, as Obsidian reads it.

Obsidian writes CommonMark with GitHub's extensions (tables, strikethrough, task lists,
extended autolinks) plus its own syntax. Python-Markdown reads another dialect (a list
needs a blank line before it, nesting needs four spaces, `_` and `*` differ), so notes are
parsed by markdown-it-py, a CommonMark-compliant parser, with mdit-py-plugins for GFM
autolinks, footnotes (also `^[inline]`) and `$math$`, and with small rules of ours for what
only Obsidian has. `token_tree.py` turns the tokens into Python-Markdown's element tree, so
MkDocs' and the theme's tree processors (table of contents, permalinks, link rewriting)
keep working unchanged.

Why these rules and their places:

* `[[link]]` / `![[embed]]` (`vault_link`) runs before `link`: otherwise `[[x]]` could be
  read as a reference link. Code spans come first wherever a backtick starts one, so a
  link written in code stays text. A backslash before `[[` is CommonMark's escape.
* ` ^block-id` at the end of a paragraph (`vault_block_id`) and `#tag` (`vault_tag`) need
  whitespace (or the start of the block) before them, as Obsidian does.
* Callouts are found after the block pass (`callouts.mark_callouts`), before inlines are
  parsed, so a callout's title line is parsed as its own inline content.
* `==highlight==` (`highlights.py`) and task items with any status (`tasks.py`) are rules
  of their own modules.

The parser holds no per-page state: the tokens carry what the rules matched, and
`token_tree.py` renders them with the page's renderer. One instance per option set is
built once per process (building one costs more than parsing a note).
"""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from . import autolinks, callouts
from .grammar import BLOCK_ID_TAIL_AT_RE, TAG_RE, WIKILINK_FAST_RE, is_tag
from .highlights import highlights_plugin
from .tasks import tasks_plugin

# How deep blocks may nest (lists in lists, quotes in quotes). Past it markdown-it stops
# parsing the deeper content and drops it, so `token_tree` refuses such a note instead
# (`render_guard` then shows it as written, with a warning). CommonMark's preset says 20;
# Obsidian nests deeper, and Python's own recursion stays far from its limit at 100.
MAX_NESTING = 100


@functools.lru_cache(maxsize=8)
def note_parser(breaks: bool = True, obsidian: bool = True) -> MarkdownIt:
    """The markdown-it parser for notes; `breaks`: a single newline is a line break
    (Obsidian's default; its "strict line breaks" setting is `breaks=False`).

    `obsidian=False` leaves out what only Obsidian reads (wikilinks and embeds, block ids,
    tags, callouts): CommonMark + GFM alone, the reference the tests compare notes
    without Obsidian syntax with."""
    md = MarkdownIt("commonmark", {"breaks": breaks, "html": True, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    gfm_autolink_plugin(md)
    autolinks.plugin(md)  # the two cases the plugin misses
    footnote_plugin(md, inline=True)
    # Obsidian's `$`: no space inside the dollars and no digit right after the closing
    # one (`$5 and $6` is money); `$$…$$` is display math also inside a line of text.
    dollarmath_plugin(
        md, allow_labels=False, allow_space=False, allow_digits=False, double_inline=True
    )
    highlights_plugin(md)
    tasks_plugin(md)
    if obsidian:
        md.inline.ruler.before("link", "vault_link", _vault_link)
        md.inline.ruler.before("link", "vault_block_id", _block_id)
        md.inline.ruler.before("link", "vault_tag", _tag)
        md.core.ruler.before("inline", "vault_callouts", callouts.mark_callouts)
    return md


def _vault_link(state: StateInline, silent: bool) -> bool:
    """`[[target|text]]` or `![[target]]`: one `vault_link` token holding the link as written."""
    src, pos = state.src, state.pos
    embed = src.startswith("![[", pos)
    if not embed and not src.startswith("[[", pos):
        return False
    match = WIKILINK_FAST_RE.match(src, pos + 1 if embed else pos)
    if match is None:
        return False
    if not silent:
        token = state.push("vault_link", "", 0)
        token.content = src[pos : match.end()]
        token.meta = {"body": match.group("body"), "embed": embed}
    state.pos = match.end()
    return True


def _block_id(state: StateInline, silent: bool) -> bool:
    """` ^id` ending the block's text names the block (`token_tree` moves it there)."""
    src, pos = state.src, state.pos
    if src[pos] != "^" or (pos > 0 and not src[pos - 1].isspace()):
        return False
    match = BLOCK_ID_TAIL_AT_RE.match(src, pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("vault_block_id", "", 0)
        token.meta = {"id": match.group("id")}
    state.pos = state.posMax
    return True


def _tag(state: StateInline, silent: bool) -> bool:
    """`#tag` after whitespace or at the start; `token_tree` decides whether it is a tag
    (Obsidian needs a non-digit in it) and links it to the tags index."""
    src, pos = state.src, state.pos
    if src[pos] != "#" or (pos > 0 and not src[pos - 1].isspace()):
        return False
    match = TAG_RE.match(src, pos, state.posMax)
    if match is None or src.rfind("{", 0, pos) > src.rfind("}", 0, pos):
        return False  # not a tag, or the `#id` of an attr_list `{ #id }`
    if not is_tag(match.group("tag")):
        return False
    if not silent:
        token = state.push("vault_tag", "", 0)
        token.content = match.group("tag")
    state.pos = match.end()
    return True


# Python-Markdown extensions that only add syntax to the text: notes are parsed by the note
# parser, so in notes they do nothing (Obsidian has no such syntax, or the parser reads it
# itself: tables, footnotes, ~~, ==, tasks, bare URLs, line breaks).
SYNTAX_EXTENSIONS = frozenset(
    {
        "abbr", "admonition", "def_list", "fenced_code", "footnotes",
        "legacy_attrs", "legacy_em", "md_in_html", "nl2br", "sane_lists", "smarty",
        "tables", "wikilinks", "pymdownx.betterem", "pymdownx.caret", "pymdownx.critic",
        "pymdownx.details", "pymdownx.emoji", "pymdownx.escapeall", "pymdownx.inlinehilite",
        "pymdownx.keys", "pymdownx.magiclink", "pymdownx.mark", "pymdownx.progressbar",
        "pymdownx.saneheaders", "pymdownx.smartsymbols", "pymdownx.tabbed",
        "pymdownx.tasklist", "pymdownx.tilde",
    }
)  # fmt: skip


# MkDocs puts these first in every site's `markdown_extensions`: not the user's choice.
MKDOCS_DEFAULT_EXTENSIONS = ("toc", "tables", "fenced_code")


def ignored_extensions(configured: list) -> list[str]:
    """The configured `markdown_extensions` whose syntax notes do not use (see above)."""
    names = []
    for extension in configured[len(MKDOCS_DEFAULT_EXTENSIONS) :]:
        name = extension if isinstance(extension, str) else ""
        name = name.removeprefix("markdown.extensions.")
        if name in SYNTAX_EXTENSIONS or name.startswith("pymdownx.blocks."):
            names.append(name)
    return names
