"""Backlinks: every note ends with "Linked mentions", as Obsidian's backlinks pane lists them."""

import pytest
from helpers import build_vault
from mkdocs_vault.backlinks import MENTION, context_html, paragraph_span, readable, trim

FILLER = "This sentence is only filler, long enough that the paragraph needs trimming. "
LONG_PARAGRAPH = (
    FILLER * 3 + "The sentence that names [[Target]] is kept whole. " + FILLER * 3
).strip()

NOTES = {
    "index.md": """\
        # Home

        Start with [[Softmax]], then read [[Scores|the score functions]].

        - a list item pointing at [[Softmax#Definition]]
        - another item, no link
    """,
    "Softmax.md": """\
        ---
        aliases: [normalized exponential]
        ---
        # Softmax

        ## Definition

        Softmax turns scores into weights. See [[#Definition]] and `[[Scores]]` in code.

        ```python
        # [[Scores]] inside a fence is code, not a mention
        ```
    """,
    "Scores.md": """\
        # Scores

        ## Why scale

        The **normalized exponential** is [[normalized exponential|softmax]] by another name.

        ![[Softmax]]

        Also a [plain Markdown link](Softmax.md) to it. ^md-link
    """,
    "Alone.md": "# Alone\n\nNobody links here, and this links nowhere.\n",
    "Zeta.md": "# Zeta\n\nA note whose title sorts last: [[Softmax]].\n",
}


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    return build_vault(tmp_path_factory.mktemp("backlinks"), NOTES, theme="material")


def _mentions(build, src_uri):
    section = build.soup(src_uri).select_one("section.vault-backlinks")
    if section is None:
        return None
    return {
        li.select_one("a.vault-backlink-note").get_text(): [
            a.get_text() for a in li.select("a.vault-backlink-context")
        ]
        for li in section.select("li.vault-backlink")
    }


def test_the_build_is_clean(build):
    assert build.warnings == []


def test_each_linking_note_is_listed_once_with_every_paragraph_that_links(build):
    mentions = _mentions(build, "Softmax.md")
    assert mentions["Home"] == [
        "Start with Softmax, then read the score functions.",
        "a list item pointing at Softmax > Definition",
    ]


def test_linking_notes_are_ordered_by_title(build):
    assert list(_mentions(build, "Softmax.md")) == ["Home", "Scores", "Zeta"]


def test_embeds_aliases_and_markdown_links_all_count_as_mentions(build):
    assert _mentions(build, "Softmax.md")["Scores"] == [
        "The normalized exponential is softmax by another name.",
        "Softmax",
        "Also a plain Markdown link to it.",
    ]


def test_the_link_text_is_marked_in_its_context(build):
    section = build.soup("Softmax.md").select_one("section.vault-backlinks")
    marked = [span.get_text() for span in section.select(".vault-mention")]
    assert "Softmax" in marked and "Softmax > Definition" in marked
    assert "then read" not in marked


def test_a_mention_links_to_its_block_or_heading_in_the_source_note(build):
    section = build.soup("Softmax.md").select_one("section.vault-backlinks")
    hrefs = [a["href"] for a in section.select("a.vault-backlink-context")]
    assert "../Scores/#^md-link" in hrefs  # the paragraph's own ^block id
    assert "../Scores/#why-scale" in hrefs  # otherwise the heading above it
    assert "../" in hrefs  # under the page title: the page itself


def test_self_links_and_links_in_code_are_not_mentions(build):
    assert "Softmax" not in (_mentions(build, "Softmax.md") or {})
    assert "Softmax" not in (_mentions(build, "Scores.md") or {})


def test_a_note_nobody_links_to_has_no_section(build):
    assert _mentions(build, "Alone.md") is None


def test_mentions_are_not_indexed_by_search(build):
    section = build.soup("Softmax.md").select_one("section.vault-backlinks")
    assert section.has_attr("data-search-exclude")


def test_backlinks_can_be_turned_off(tmp_path):
    plugins = [{"vault": {"backlinks": False}}]
    build = build_vault(tmp_path, NOTES, theme="material", plugins=plugins)
    assert build.soup("Softmax.md").select_one("section.vault-backlinks") is None


def test_context_text_is_escaped_and_link_syntax_becomes_readable():
    html = context_html(
        "> [!note] A *callout* with <b>tags</b> & [[Note#Part|shown]], `a < b` and %%hidden%% $x_1$ ^id",
        {"[[Note#Part|shown]]"},
    )
    assert html == (
        'A callout with tags &amp; <span class="vault-mention">shown</span>, a &lt; b and $x_1$'
    )


@pytest.mark.parametrize(
    ("paragraph", "shown"),
    [
        ("a `x` b", "a x b"),
        ("a ``x ` y`` b", "a x ` y b"),
        # No run of two backticks closes ``` `` ```: CommonMark shows it as written, and
        # the heading anchors and the scanner read code spans the same way (one pattern).
        ("a ``x` b", "a ``x` b"),
        ('say "hi" & \'bye\'', 'say "hi" &amp; \'bye\''),
    ],
)
def test_context_reads_code_spans_as_the_page_does_and_keeps_quotes_as_text(paragraph, shown):
    assert context_html(paragraph + " [[N]]", {"[[N]]"}) == (
        shown + ' <span class="vault-mention">N</span>'
    )


def test_a_long_paragraph_is_trimmed_to_the_sentence_with_the_link():
    pieces = trim(readable(LONG_PARAGRAPH, {"[[Target]]"}))
    text = "".join(piece for piece, _ in pieces)
    assert text == "…The sentence that names Target is kept whole.…"
    assert ("Target", MENTION) in pieces


def test_inline_math_is_kept_whole_for_the_page_typesetter():
    html = context_html("Weights $e^{z_i} / Z$ per [[Softmax]].", {"[[Softmax]]"}, math=True)
    assert html == (
        'Weights <span class="arithmatex">\\(e^{z_i} / Z\\)</span> per '
        '<span class="vault-mention">Softmax</span>.'
    )


@pytest.mark.parametrize(
    ("line", "span"),
    [
        (1, (1, 2)),  # a paragraph over two lines
        (2, (1, 2)),
        (4, (4, 4)),  # a list item
        (5, (5, 6)),  # a list item with a continuation line
        (8, (8, 8)),  # a table row
    ],
)
def test_the_context_is_the_paragraph_or_item_holding_the_link(line, span):
    lines = [
        "First line of a paragraph",
        "and its second line.",
        "",
        "- item one",
        "- item two",
        "  continued",
        "",
        "| a | [[x]] |",
    ]
    assert paragraph_span(lines, line) == span


def test_a_long_paragraph_is_read_only_around_its_first_mention(monkeypatch):
    """Reading inline syntax is quadratic in unclosed openers (8,000 `![a](`: 15 s), so a
    long paragraph is read only near the link; the pane shows 280 characters anyway."""
    import mkdocs_vault.backlinks as backlinks

    read = []
    real = backlinks.readable
    monkeypatch.setattr(
        backlinks, "readable", lambda text, marked: read.append(text) or real(text, marked)
    )
    text = "![a](" * 8000 + " see [[Target]] here. " + "<a " * 8000
    html = context_html(text, {"[[Target]]"})
    assert len(read[0]) == 2 * backlinks.READ_AROUND_MENTION
    assert '<span class="vault-mention">Target</span>' in html
    assert html.startswith("…") and html.endswith("…")
