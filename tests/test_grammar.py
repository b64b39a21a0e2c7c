"""The wikilink grammar: what a `[[...]]` body means."""

import pytest
from mkdocs_vault.grammar import (
    WIKILINK_RE,
    LinkTarget,
    display_text,
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
    [("300", (300, None)), ("300x200", (300, 200)), ("caption", (None, None)), (None, (None, None))],
)
def test_parse_size_reads_width_and_height(text, size):
    assert parse_size(text) == size


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
