"""The wikilink grammar: what a `[[...]]` body means."""

import pytest
from mkdocs_vault.grammar import (
    WIKILINK_RE,
    LinkTarget,
    display_text,
    image_alt_and_size,
    mask_code_spans,
    parse_size,
    parse_target,
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Note", LinkTarget("Note")),
        (" Note ", LinkTarget("Note")),
        ("Note|alias", LinkTarget("Note", text="alias")),
        ("Note\\|alias", LinkTarget("Note", text="alias")),
        ("Note#Heading", LinkTarget("Note", ("Heading",))),
        ("Note#Heading#Sub", LinkTarget("Note", ("Heading", "Sub"))),
        ("#Heading", LinkTarget("", ("Heading",))),
        ("Note#^block-1", LinkTarget("Note", (), "block-1")),
        ("Note#^block|text", LinkTarget("Note", (), "block", "text")),
        ("folder/Note", LinkTarget("folder/Note")),
        ("Note.md", LinkTarget("Note.md")),
        ("Attention is All You Need! (2017)", LinkTarget("Attention is All You Need! (2017)")),
        ("Внимание#Механизм", LinkTarget("Внимание", ("Механизм",))),
        ("a|b|c", LinkTarget("a", text="b|c")),
        ("image.png|300x200", LinkTarget("image.png", text="300x200")),
        ("", LinkTarget("")),
    ],
)
def test_parse_target_splits_path_headings_block_and_text(body, expected):
    assert parse_target(body) == expected


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("Note", "Note"),
        ("Note|alias", "alias"),
        ("Note#Heading", "Note > Heading"),
        ("Note#A#B", "Note > A > B"),
        ("#Heading", "Heading"),
        ("Note#^id", "Note > ^id"),
        ("folder/Note", "folder/Note"),
        ("<b>x</b>|<i>y</i>", "<i>y</i>"),
    ],
)
def test_display_text_is_what_obsidian_shows(body, shown):
    assert display_text(parse_target(body)) == shown


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("300", (300, None)),
        ("300x200", (300, 200)),
        ("caption", (None, None)),
        (None, (None, None)),
    ],
)
def test_parse_size_reads_width_and_height(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize(
    ("text", "read"),
    [
        (None, ("a.png", None, None)),
        ("300", ("a.png", 300, None)),
        ("300x200", ("a.png", 300, 200)),
        ("a caption", ("a caption", None, None)),
        ("a caption|300", ("a caption", 300, None)),
        ("a|b|40x30", ("a|b", 40, 30)),
        ("a caption|wide", ("wide", None, None)),
    ],
)
def test_an_image_embed_reads_its_alt_and_size_after_the_pipe(text, read):
    # Both image embeds (attachments in `render.py`, block outputs in `outputs.py`) read it here.
    assert image_alt_and_size(text, "a.png") == read


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("see [[A]] and ![[b.png]]", ["[[A]]", "![[b.png]]"]),
        ("escaped \\[[A]]", []),
        ("[[a\nb]]", []),
        ("[[]]", ["[[]]"]),
        ("[[A]][[B]]", ["[[A]]", "[[B]]"]),
    ],
)
def test_wikilink_pattern_finds_links(text, found):
    assert [m.group(0) for m in WIKILINK_RE.finditer(text)] == found


def test_mask_code_spans_hides_links_inside_backticks_and_keeps_columns():
    line = "a `[[x]]` b ``[[y]] ` z`` [[real]]"
    masked = mask_code_spans(line)
    assert len(masked) == len(line)
    assert [m.group(0) for m in WIKILINK_RE.finditer(masked)] == ["[[real]]"]


@pytest.mark.parametrize(
    ("target", "folder"),
    [
        ("a/b/Note.md", "a/b"),
        ("a/b/Note.md", "a"),
        ("a/Note.md", "a/b/c"),
        ("x/y.md", "a/b"),
        ("Note.md", "a/b"),
        ("a/Note.md", ""),
        ("ab/Note.md", "a"),
    ],
)
def test_relative_path_matches_posixpath_relpath(target, folder):
    import posixpath

    from mkdocs_vault.render import relative_path

    assert relative_path(target, folder) == posixpath.relpath(target, folder or ".")


# -- no super-linear regexes: each input took seconds (128 KB: over 20 s) before ----------
# The bound is a hang guard, four times below the old time, not a speed goal (those live
# in bench/): on a machine slow enough to miss it, the old patterns would take minutes.
HANG = 5


def _seconds(work) -> float:
    import time

    start = time.perf_counter()
    work()
    return time.perf_counter() - start


LONG = 128_000


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("# a   b  ", "a   b"),
        ("#  \ta", "a"),
        ("#\t", ""),
        ("#", ""),
        ("## a" + " " * LONG + "b", "a" + " " * LONG + "b"),
    ],
)
def test_atx_heading_text_ends_at_its_last_non_space_in_linear_time(line, text):
    from mkdocs_vault.obsidian_markdown import note_parser

    seconds = _seconds(lambda: note_parser().parse(line))
    tokens = note_parser().parse(line)
    assert tokens[0].type == "heading_open" and tokens[1].content == text
    assert seconds < HANG


def test_a_heading_with_a_long_run_of_hashes_is_parsed_in_linear_time():
    from mkdocs_vault.obsidian_markdown import note_parser

    def heading(source: str) -> tuple[str, str]:
        tokens = note_parser().parse(source)
        return tokens[0].tag, tokens[1].content

    assert heading("# C# ##\n") == ("h1", "C#")
    assert heading("## a ## b\n") == ("h2", "a ## b")
    assert _seconds(lambda: note_parser().parse("# a" + "#" * LONG + "b")) < HANG


def test_callout_header_title_is_read_in_linear_time():
    from mkdocs_vault.grammar import CALLOUT_HEADER_RE

    line = "[!note] a" + " " * LONG + "b  "
    seconds = _seconds(lambda: CALLOUT_HEADER_RE.match(line))
    assert CALLOUT_HEADER_RE.match(line).group("title") == "a" + " " * LONG + "b"
    assert CALLOUT_HEADER_RE.match("[!note]-  ").group("title") == ""
    assert seconds < HANG


@pytest.mark.parametrize(
    "heading",
    ["a" + " " * LONG + "b", "{" * LONG, "**a " * (LONG // 4), "a" + "#" * LONG + " " * LONG],
)
def test_heading_anchor_prediction_takes_linear_time(heading):
    from mkdocs_vault.anchors import strip_heading_markup

    assert _seconds(lambda: strip_heading_markup(heading)) < HANG


@pytest.mark.parametrize(
    ("heading", "plain", "explicit"),
    [
        ("Title {#custom .x}", "Title", "custom"),
        ("Title {: #a } {#b}", "Title {: #a }", "b"),
        ("Title {x #y}  ", "Title", "y"),
        ("Title ## ", "Title", None),
        ("C#", "C#", None),
        ("**bold** and `code`", "bold and code", None),
    ],
)
def test_heading_anchor_prediction_reads_attr_lists_and_closing_hashes(heading, plain, explicit):
    from mkdocs_vault.anchors import strip_heading_markup

    assert strip_heading_markup(heading) == (plain, explicit)


@pytest.mark.parametrize("name", [" 'a" * (LONG // 3), "[[" * (LONG // 2), "'" * LONG])
def test_a_warning_quoting_a_name_of_many_quotes_is_formatted_in_linear_time(name):
    from mkdocs_vault.diagnostics import Diagnostic

    assert _seconds(lambda: str(Diagnostic("vault/A.md", 3, f"note '{name}' not found"))) < HANG
