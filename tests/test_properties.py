"""Properties of the link grammar, the resolver and the rendering path, for any input.

A hostile vault can hold any text. These tests let Hypothesis write it: brackets, pipes,
`#`, `^`, backticks, `%%`, HTML, control characters and unicode, and check what must hold
whatever it writes. Rendering goes through Python-Markdown with our extension and a real
index and renderer (what a page build runs, minus MkDocs' file handling), so hundreds of
notes cost what one site build would.
"""

from __future__ import annotations

import html
import logging
import os
import re
from datetime import timedelta

import markdown
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mkdocs_vault import token_tree
from mkdocs_vault.anchors import AnchorMaker
from mkdocs_vault.diagnostics import Diagnostics
from mkdocs_vault.grammar import (
    BLOCK_ID_LINE_RE,
    BLOCK_ID_TAIL_AT_RE,
    BLOCK_ID_TAIL_RE,
    CODE_SPAN_RE,
    FENCE_RE,
    INLINE_COMMENT_RE,
    SIZE_RE,
    SUPERFENCE_OPENER_RE,
    WIKILINK_RE,
    LinkTarget,
    display_text,
    extension_of,
    mask_code_spans,
    parse_size,
    parse_target,
    split_alias,
)
from mkdocs_vault.index import VaultIndex, fold
from mkdocs_vault.markdown_ext import VaultMarkdownExtension
from mkdocs_vault.render import LinkRenderer
from mkdocs_vault.resolve import Resolver
from pymdownx.slugs import slugify

# `VAULT_PROPERTY_SCALE=20 pytest tests/test_properties.py` hunts harder (minutes, not seconds).
SCALE = int(os.environ.get("VAULT_PROPERTY_SCALE", "1"))
# Pure functions: many examples, each must finish quickly even on a long hostile line.
PURE = settings(max_examples=200 * SCALE, deadline=timedelta(seconds=2))
# Pure, but the deadline would only measure the machine: round trips of short strings.
ROUND_TRIP = settings(max_examples=200 * SCALE, deadline=None)
# Resolution against a freshly indexed small vault.
RESOLVE = settings(max_examples=150 * SCALE, deadline=timedelta(seconds=2))
# Anything that renders Markdown: fewer examples, a generous per-example bound.
RENDER = settings(
    max_examples=60 * SCALE,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Characters that mean something to Obsidian or Markdown, weighted in beside any character.
SYNTAX = list("[]|#^`%!\\/.: \t\n<>&\"'*_-=~$")
hostile_char = st.one_of(
    st.sampled_from(SYNTAX),
    st.sampled_from(
        ["[[", "]]", "![[", "%%", "``", "```", "\\|", "#^", " ^", "\r", "\x00", "\x0b"]
    ),
    st.characters(codec="utf-8"),
)
hostile_text = st.lists(hostile_char, max_size=60).map("".join)
# A long line: regexes must stay (close to) linear on these.
long_hostile_text = st.lists(
    st.sampled_from(["[[", "]]", "!", "|", "#", "^", "`", "``", "%%", "a", " ", "\\"]),
    min_size=500,
    max_size=3000,
).map("".join)

ALL_PATTERNS = [
    WIKILINK_RE,
    INLINE_COMMENT_RE,
    BLOCK_ID_TAIL_RE,
    BLOCK_ID_LINE_RE,
    SIZE_RE,
    BLOCK_ID_TAIL_AT_RE,
    FENCE_RE,
    SUPERFENCE_OPENER_RE,
    CODE_SPAN_RE,
]


# -- (a) the grammar never raises nor hangs ---------------------------------------------------
@PURE
@given(st.one_of(hostile_text, long_hostile_text))
def test_grammar_functions_accept_any_text(text):
    target = parse_target(text)
    assert isinstance(target, LinkTarget)
    assert isinstance(display_text(target), str)
    assert isinstance(target.subpath_label, str)
    path, alias = split_alias(text)
    assert isinstance(path, str)
    assert alias is None or isinstance(alias, str)
    width, height = parse_size(text)
    assert width is None or width >= 0
    assert height is None or width is not None
    assert "/" not in extension_of(text)


@PURE
@given(st.one_of(hostile_text, long_hostile_text))
# Superfences' own header regex takes minutes on this line (its values may end at any
# later quote); ours reads each value one way.
@example("```py" + ' a="x"' * 40 + " !")
def test_every_pattern_scans_any_text(text):
    for pattern in ALL_PATTERNS:
        for match in pattern.finditer(text):
            assert match.end() >= match.start()


@PURE
@given(st.one_of(hostile_text, long_hostile_text))
@example("`a`` [[x]] `b`")
@example("\\`a %% b` %%")
def test_masking_code_spans_keeps_columns_and_blanks_only_whole_spans(text):
    masked = mask_code_spans(text)
    assert len(masked) == len(text)
    changed = [i for i, (a, b) in enumerate(zip(text, masked)) if a != b]
    assert all(masked[i] == " " for i in changed)
    # Each blanked stretch of the original starts and ends on a backtick: whole spans only.
    for stretch in re.finditer(r" +", masked):
        original = text[stretch.start() : stretch.end()].strip(" ")
        if original:
            assert original[0] == "`"
            assert original[-1] == "`"
    if "`" not in text:
        assert masked == text


@PURE
@given(hostile_text)
def test_masking_twice_changes_nothing_more(text):
    once = mask_code_spans(text)
    assert mask_code_spans(once) == once


# Characters `str.splitlines` breaks at but Markdown keeps inside a line.
_NOT_LINE_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
filler_line = st.lists(st.sampled_from([*_NOT_LINE_BREAKS, "a", "b", " ", "."]), max_size=8).map(
    "".join
)


@PURE
@given(st.lists(filler_line, max_size=6), st.lists(filler_line, max_size=6), st.booleans())
@example(["a\u2028b"], [], False)
def test_a_link_is_scanned_on_the_line_markdown_sees_it_on(before, after, final_newline):
    lines = [*before, "see [[Target]] here", *after]
    text = "\n".join(lines) + ("\n" if final_newline else "")
    note = index_of({"Page.md": text}).notes["Page.md"]
    assert note.occurrence_lines["[[Target]]"] == [len(before) + 1]
    markdown_lines = text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")
    assert note.lines == markdown_lines
    assert note.scan.line_count == len(markdown_lines)


# -- (e) round trips ------------------------------------------------------------------------
# Parts that survive a `[[...]]` body: no brackets, newlines, `#` or `|`, and no outer spaces.
_part_chars = st.characters(
    codec="utf-8", exclude_characters="[]#|\\\n\r", exclude_categories=("Cs", "Cc")
)
link_part = st.text(_part_chars, min_size=1, max_size=12).map(str.strip).filter(bool)
heading_part = link_part.filter(lambda h: not h.startswith("^"))
block_id = st.from_regex(r"[A-Za-z0-9-]{1,10}", fullmatch=True)
alias_text = (
    st.text(
        st.characters(
            codec="utf-8", exclude_characters="[]\\\n\r", exclude_categories=("Cs", "Cc")
        ),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


def body_of(target: LinkTarget) -> str:
    """Write a `LinkTarget` back as the inside of `[[...]]`."""
    body = target.path + "".join("#" + h for h in target.headings)
    if target.block is not None:
        body += "#^" + target.block
    if target.text is not None:
        body += "|" + target.text
    return body


link_targets = st.builds(
    LinkTarget,
    path=st.one_of(st.just(""), link_part),
    headings=st.lists(heading_part, max_size=3).map(tuple),
    block=st.none() | block_id,
    text=st.none() | alias_text,
)


@ROUND_TRIP
@given(link_targets)
def test_parse_target_reads_back_what_body_of_writes(target):
    assert parse_target(body_of(target)) == target


@ROUND_TRIP
@given(hostile_text.map(lambda t: t.replace("\n", "").replace("]]", "")))
@example("|\\\\|")
@example("#^\\\\|")
def test_parsing_a_written_target_changes_nothing_more(body):
    once = parse_target(body)
    before_text = body_of(LinkTarget(once.path, once.headings, once.block, None))
    if once.text is not None and before_text.endswith("\\") or "\\|" in (once.text or ""):
        # A path, heading or block ending in `\` then `|x`, or a text with `\|`, reads as
        # the table pipe: not writable.
        return
    assert parse_target(body_of(once)) == once


@ROUND_TRIP
@given(link_targets)
def test_display_text_is_the_alias_or_the_path_and_subpath(target):
    shown = display_text(parse_target(body_of(target)))
    if target.text:
        assert shown == target.text
    else:
        parts = [target.path] if target.path else []
        parts += list(target.headings)
        parts += ["^" + target.block] if target.block is not None else []
        assert shown == " > ".join(parts)


@ROUND_TRIP
@given(link_targets, st.sampled_from(["|", "\\|"]))
def test_table_escaped_pipe_reads_like_a_pipe(target, pipe):
    if target.text is None:
        return
    assert parse_target(body_of(target).replace("|", pipe, 1)) == target


# -- (d) resolution is deterministic and ignores case -----------------------------------------
FOLDERS = ["", "a/", "b/", "a/c/"]
stem = (
    st.text(st.sampled_from(list("abcxyzABCßİǅΣσςДжé 1-")), min_size=1, max_size=6)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def small_vaults(draw):
    """`{src_uri: text}` whose stems differ even ignoring case (so case cannot pick)."""
    stems = draw(st.lists(stem, min_size=1, max_size=6, unique_by=fold))
    notes = {}
    for name in stems:
        folder = draw(st.sampled_from(FOLDERS))
        headings = draw(st.lists(stem, max_size=3))
        front = ""
        if draw(st.booleans()):
            front = f"---\naliases: [{draw(stem)!r}]\n---\n"
        if draw(st.integers(0, 5)) == 0:
            front = "---\npublish: false\n---\n"
        body = "".join(f"{'#' * (i + 1)} {h}\n\ntext ^blk{i}\n\n" for i, h in enumerate(headings))
        notes[f"{folder}{name}.md"] = front + body
    return notes


def index_of(notes: dict[str, str], order=None) -> VaultIndex:
    index = VaultIndex(AnchorMaker(slugify(case="lower"), "-"))
    for uri in order or notes:
        index.add_note(uri, notes[uri])
    return index


def summary(resolution):
    """What a resolution decides, comparable across indexes."""
    target = resolution.note or resolution.attachment
    return (
        target.src_uri if target else None,
        resolution.anchor,
        [(p.message, p.hint) for p in resolution.problems],
    )


def case_variants(text: str) -> list[str]:
    return [text.upper(), text.lower(), text.swapcase(), text.casefold(), text.title()]


@st.composite
def vault_and_link(draw):
    notes = draw(small_vaults())
    uris = list(notes)
    source = draw(st.sampled_from(uris))
    known = draw(st.sampled_from(uris)).removesuffix(".md")
    path = draw(
        st.sampled_from(
            [known, known.rsplit("/", 1)[-1], "/" + known, known + ".md", "./" + known, "../x"]
        )
        | hostile_text.map(lambda t: t.replace("\n", ""))
    )
    subpath = draw(st.sampled_from(["", "#", "#^blk0", "#^BLK1"]) | heading_part.map("#".__add__))
    return notes, source, path + subpath


@RESOLVE
@given(vault_and_link())
@example(
    (
        {"a/X.md": "---\npublish: false\n---\n", "b/x.md": "---\npublish: false\n---\n"},
        "a/X.md",
        "x",
    )
)
def test_resolution_is_deterministic_whatever_the_indexing_order(case):
    notes, source, body = case
    target = parse_target(body)
    results = set()
    for order in (list(notes), list(reversed(notes)), sorted(notes)):
        index = index_of(notes, order)
        results.add(repr(summary(Resolver(index).resolve(target, index.notes[source]))))
    assert len(results) == 1, results


@RESOLVE
@given(vault_and_link())
def test_a_link_resolves_to_the_same_file_in_any_case(case):
    notes, source, body = case
    index = index_of(notes)
    resolver = Resolver(index)
    target = parse_target(body)
    expected = resolver.resolve(target, index.notes[source])
    expected_file = expected.note or expected.attachment
    for variant in case_variants(target.path):
        if fold(variant) != fold(target.path):
            continue  # e.g. `İ`.lower() is two characters: no longer the same name
        changed = LinkTarget(variant, target.headings, target.block, target.text)
        got = resolver.resolve(changed, index.notes[source])
        got_file = got.note or got.attachment
        assert (got_file and got_file.src_uri) == (expected_file and expected_file.src_uri)
        assert got.anchor == expected.anchor


@RESOLVE
@given(vault_and_link())
def test_a_heading_or_block_resolves_to_the_same_anchor_in_any_case(case):
    notes, source, body = case
    index = index_of(notes)
    resolver = Resolver(index)
    target = parse_target(body)
    expected = resolver.resolve(target, index.notes[source]).anchor
    for change in (str.upper, str.lower, str.swapcase):
        headings = tuple(change(h) for h in target.headings)
        block = change(target.block) if target.block is not None else None
        if [fold(h) for h in headings] != [fold(h) for h in target.headings]:
            continue
        changed = LinkTarget(target.path, headings, block, target.text)
        assert resolver.resolve(changed, index.notes[source]).anchor == expected


@RESOLVE
@given(vault_and_link())
@example(({"a/N.md": ""}, "a/N.md", "../../N"))
@example(({"a/N.md": ""}, "a/N.md", "./../a/N"))
@example(({"1.md": "---\npublish: false\n---\n"}, "1.md", "#^blk0"))
def test_a_link_only_ever_reaches_a_file_of_the_vault(case):
    notes, source, body = case
    index = index_of(notes)
    source_note = index.notes[source]
    resolution = Resolver(index).resolve(parse_target(body), source_note)
    if resolution.note is not None:
        assert index.notes[resolution.note.src_uri] is resolution.note
        # `[[#x]]` in an unpublished note names itself: harmless, that page is never built.
        assert resolution.note.published or resolution.note is source_note
    assert resolution.found or resolution.problems


# -- rendering: (a) never raises, (b) identity without syntax, (c) code is untouched -----------
VAULT = {
    "Home.md": "# Home\n\ntext\n",
    "Target.md": "---\naliases: [Alias]\n---\n# Target\n\n## Part\n\nA paragraph. ^para\n",
    "sub/Deep.md": "# Deep\n\n![[Target#Part]]\n",
    "Loop.md": "![[Loop]]\n",
}
EXTENSIONS = ["tables", "attr_list", "md_in_html", "pymdownx.superfences"]


class _Vault:
    """One index and renderer for every example (Hypothesis calls the test many times)."""

    def __init__(self) -> None:
        index = VaultIndex(AnchorMaker(slugify(case="lower"), "-"))
        for uri, text in VAULT.items():
            index.add_note(uri, text)
        self.index = index
        self.renderer = LinkRenderer(index, Diagnostics())

    def render(self, text: str, *, vault: bool = True) -> str:
        """The page's HTML; `vault=False`: the same parse without Obsidian's syntax
        (CommonMark + GFM alone, `note_parser(obsidian=False)`), the reference."""
        note = self.index.transient_note("sub/Page.md", text)
        self.renderer.diagnostics.reset()
        self.renderer.begin_page(note, None)
        extensions = list(EXTENSIONS)
        if vault:
            extensions.append(VaultMarkdownExtension(lambda: self.renderer))
        logger = logging.getLogger("mkdocs.plugins.mkdocs_vault")
        level = logger.level
        logger.setLevel(logging.CRITICAL)  # broken links are expected: keep the log quiet
        try:
            md = markdown.Markdown(extensions=extensions)
            if not vault:
                token_tree.install(md, None, breaks=True, obsidian=False)
            return md.convert(text)
        finally:
            logger.setLevel(level)


VAULT_RENDER = _Vault()
render = VAULT_RENDER.render

# Markdown our extension must not see into: no `[[`, `%%`, `[!` (callouts), no `#` starting
# a line (Obsidian needs a space after it), no `^` after a space (a block id).
_plain_alphabet = st.sampled_from(
    list("abcXYZ019 .,;:?!()'\"*_-=+/<>&[]|~$^#%\\\n\tжß€") + ["\n\n"]
)
_OBSIDIAN_SYNTAX_RE = re.compile(r"\[\[|%%|\[!|(?:^|\n)[ \t]*#|(?:^|\s)\^", re.MULTILINE)
plain_markdown = (
    st.lists(_plain_alphabet, max_size=80)
    .map("".join)
    .filter(lambda t: not _OBSIDIAN_SYNTAX_RE.search(t))
)
# Words with no Markdown meaning at all: the rendered text content is the input text.
plain_words = st.lists(
    st.text(st.sampled_from(list("abcXYZ019жßé€.,;:?()'\"")), min_size=1, max_size=8),
    min_size=1,
    max_size=12,
).map(" ".join)


@RENDER
@given(hostile_text)
@example("![[Loop]]")
@example('[[<img src=x onerror=alert(1)>]] ![[Target#<b>x</b>|" onload="y]]')
@example("%%\n\n[[Target]]")
def test_rendering_any_note_never_raises_nor_injects_markup(text):
    soup = BeautifulSoup(render(text), "html.parser")
    for tag in soup.find_all(True):
        assert not any(name.lower().startswith("on") for name in tag.attrs) or _from_input(
            tag, text
        )


def _from_input(tag, text: str) -> bool:
    """Raw HTML the note itself wrote passes through (trust model); anything else is ours."""
    return f"<{tag.name}" in text.lower()


@RENDER
@given(plain_markdown)
@example("a ^ b")
@example("x|y\n-|-\n1|2")
def test_text_without_obsidian_syntax_renders_as_plain_markdown_does(text):
    assert render(text) == render(text, vault=False)


@RENDER
@given(plain_words)
def test_plain_words_come_out_as_the_same_text(text):
    soup = BeautifulSoup(render(text), "html.parser")
    assert soup.get_text().split() == text.split()


code_content = st.lists(
    st.one_of(
        st.sampled_from(["[[Target]]", "![[Target]]", "%%", " ^blk", "#tag", "<b>", "&amp;", "|"]),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    ),
    min_size=1,
    max_size=20,
).map("".join)


@RENDER
@given(code_content.filter(lambda t: "`" not in t and t.strip()))
@example("[[Target]] %% ^blk")
def test_code_spans_come_out_as_written(code):
    soup = BeautifulSoup(render(f"before `{code}` after"), "html.parser")
    # CommonMark: one space is taken from each end only when both ends have one.
    both = code.startswith(" ") and code.endswith(" ") and code.strip(" ")
    shown = code[1:-1] if both else code
    assert [c.get_text() for c in soup.find_all("code")] == [shown]
    assert not soup.find_all("a")


@RENDER
@given(st.lists(code_content, min_size=1, max_size=4))
@example(["![[Target]]", "%%", "[[Target#Part|x]] ^blk"])
def test_fenced_code_comes_out_as_written(lines):
    lines = [line.replace("`", "'").replace("~", "-").rstrip() for line in lines]
    code = "\n".join(lines)
    soup = BeautifulSoup(render(f"text\n\n```\n{code}\n```\n"), "html.parser")
    blocks = soup.find_all("code")
    assert len(blocks) == 1
    assert blocks[0].get_text().rstrip("\n") == code.rstrip("\n")
    assert not soup.find_all("a")


@RENDER
@given(
    st.lists(st.sampled_from(list("ab \\*_<>|!%[]")), max_size=8).map("".join),
    code_content.filter(lambda t: t.strip() and not t.strip().startswith("`")),
    st.lists(st.sampled_from(list("ab \\*_<>|!%[]")), max_size=8).map("".join),
)
@example("\\", "a%%b", " %% c")
@example("%% ", "x%%", "")
def test_code_spans_render_as_plain_markdown_renders_them(before, code, after):
    ticks = "`" * (max((len(r) for r in re.findall("`+", code)), default=0) + 1)
    text = f"{before}{ticks} {code} {ticks}{after}"
    if "%%" in before + after or "[[" in before + after:
        return  # a comment around a code span hides it, in Obsidian too
    ours = BeautifulSoup(render(text), "html.parser").find_all("code")
    plain = BeautifulSoup(render(text, vault=False), "html.parser").find_all("code")
    assert [c.get_text() for c in ours] == [c.get_text() for c in plain]


@RENDER
@given(
    st.lists(
        st.sampled_from(list("<>\"'&=/ |#^!aA") + ["onerror=", "<script>", "<img src=x "]),
        max_size=25,
    ).map("".join),
    st.sampled_from(["[[", "![["]),
    st.sampled_from(["", "Target|", "Target#", "Target#^para|", "Home.md|", "sub/Deep|"]),
)
@example("<img src=x onerror=alert(1)>", "![[", "")
@example('" onmouseover="x', "[[", "Target|")
def test_a_link_body_never_becomes_markup(body, opener, prefix):
    soup = BeautifulSoup(render(f"see {opener}{prefix}{body}]] here"), "html.parser")
    for tag in soup.find_all(True):
        assert tag.name in {"p", "a", "span", "img", "div", "iframe", "audio", "video", "h1", "h2"}
        assert not any(name.lower().startswith("on") for name in tag.attrs), tag


def _comment_marks_outside_code(text: str) -> int:
    """How many `%%` plain CommonMark leaves outside code: what Obsidian sees as comments."""
    soup = BeautifulSoup(render(text, vault=False), "html.parser")
    return sum(s.count("%%") for s in soup.find_all(string=True) if s.parent.name != "code")


@RENDER
@given(
    st.lists(st.sampled_from(["a", " ", "`", "\\", "%%", "%", "[", "]"]), max_size=20)
    .map("".join)
    # Single backticks only (`` ``a` `` once split the oracle and Obsidian). No `*` either:
    # emphasis can swallow a `%` (`*%%**%%*%%`), so the oracle's text stops being a count of
    # Obsidian's comment marks.
    .filter(lambda t: "``" not in t)
    # No `\%`: CommonMark (the oracle) reads it as an escaped `%`, while comments are found
    # in the source, where `%\%%%` holds one `%%` (whether Obsidian honours the escape is
    # not documented; the plugin does not).
    .filter(lambda t: "\\%" not in t)
)
@example("a \\`b %% c` %% d")
@example("a \\\\`b %% c` %%")
@example("%%%*%*")
@example("*%%**%%*%% %%")
def test_a_closed_comment_never_hides_the_paragraphs_after_it(paragraph):
    if _comment_marks_outside_code(paragraph) % 2:
        return  # an unclosed `%%` hides the rest of the note, in Obsidian too
    soup = BeautifulSoup(render(f"{paragraph}\n\nlast words"), "html.parser")
    assert "last words" in soup.get_text()


def test_rendered_code_is_escaped_not_markup():
    # The properties above compare text; this pins that the text stays escaped HTML.
    out = render("`<b>[[Target]]</b>`")
    assert html.escape("<b>[[Target]]</b>", quote=False) in out
    assert re.search(r"<b>", out) is None


# -- (f) the scanner and the page agree on what is a link ---------------------------------------
# Lines that open, close or half-close fences the ways superfences and CommonMark disagree on,
# among links. Tildes only: a backtick fence that stays text can pair with another into a code
# span across lines, which no line-by-line scanner sees (nor does it need to: no such note).
_fence_or_link_line = st.sampled_from(
    [
        "~~~",
        "~~~~",
        "~~~python",
        "  ~~~",
        "     ~~~",
        "> ~~~",
        "~~~ a b!",
        "",
        "text",
        "[[Target]]",
        "  [[Target]]",
        "> [[Target]]",
        "[[Target]] [[%%%%]]",
    ]
)


@RENDER
@given(st.lists(_fence_or_link_line, max_size=12))
@example(["~~~", "[[Target]]"])
@example(["~~~", "[[Target]]", "~~~~", "[[Target]]"])
@example(["  ~~~", "[[Target]]", "  ~~~", "[[Target]]"])
@example(["> ~~~", "> [[Target]]", "> ~~~", "", "[[Target]]"])
@example(["     ~~~", "~~~", "~~~", "[[Target]]", "~~~"])
def test_the_scanner_finds_a_link_exactly_where_the_page_shows_one(lines):
    text = "\n".join(lines) + "\n"
    soup = BeautifulSoup(render(text), "html.parser")
    shown = len([a for a in soup.find_all("a") if a.get_text() == "Target"])
    note = VAULT_RENDER.index.transient_note("sub/Page.md", text)
    assert len(note.occurrence_lines.get("[[Target]]", [])) == shown


# The pattern warnings' names were once shortened with; `shorten_names` must find the same
# names (leftmost first, a quote inside a word neither opening nor closing) in linear time.
_QUOTED_NAME_SPEC = re.compile(r"(?<!\w)'(?P<quoted>[^\n]*?)'(?!\w)|\[\[(?P<link>[^\n]*?)\]\]")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab '[]\n_é", max_size=40))
def test_warning_names_are_shortened_exactly_where_the_quoting_pattern_finds_them(text):
    import mkdocs_vault.diagnostics as diagnostics

    def spec(match: re.Match) -> str:
        if match.group("link") is not None:
            return f"[[{diagnostics.shorten(match.group('link'))}]]"
        return f"'{diagnostics.shorten(match.group('quoted'))}'"

    previous = diagnostics.MAX_NAME_CHARS
    diagnostics.MAX_NAME_CHARS = 2  # so that short generated names get cut too
    try:
        assert diagnostics.shorten_names(text) == _QUOTED_NAME_SPEC.sub(spec, text)
    finally:
        diagnostics.MAX_NAME_CHARS = previous


_ATTR_LIST_SPEC = re.compile(r"\s*\{:?(?P<attrs>[^}]*)\}\s*$")
_CLOSING_HASHES_SPEC = re.compile(r"(?:^|\s+)#+\s*$")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="a #{}:. \t", max_size=30))
def test_heading_attr_lists_and_closing_hashes_are_read_as_their_patterns_read_them(text):
    from mkdocs_vault.anchors import _attr_list, _without_closing_hashes

    found = _ATTR_LIST_SPEC.search(text)
    assert _attr_list(text) == (None if found is None else (found.start(), found.group("attrs")))
    assert _without_closing_hashes(text) == _CLOSING_HASHES_SPEC.sub("", text)
