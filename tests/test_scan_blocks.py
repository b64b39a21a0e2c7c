"""The scanner reads a note's blocks as the page does: CommonMark's, by the page's parser.

Links to headings take their anchor from the scanner's headings, warnings their line from
its links, and `python exec` blocks their code from its fences; the page is parsed by
markdown-it-py's CommonMark block rules. Where the two disagreed (a heading in a list
item or a quote, a setext heading, a fence that never closes, a fence inside a list
item), a link to a heading went to the page top and warnings named the wrong line.
Each expectation here is what the rendered page shows, and the tests check the page too.
"""

from __future__ import annotations

import logging

import markdown
import pytest
from bs4 import BeautifulSoup
from helpers import build_vault
from hypothesis import assume, example, given
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data
from mkdocs_vault.anchors import AnchorMaker
from mkdocs_vault.blocks import fenced_code_blocks, note_blocks
from mkdocs_vault.diagnostics import Diagnostics
from mkdocs_vault.grammar import split_lines
from mkdocs_vault.index import VaultIndex
from mkdocs_vault.markdown_ext import VaultMarkdownExtension
from mkdocs_vault.render import LinkRenderer
from mkdocs_vault.scan import scan_note, source_for_mkdocs
from pymdownx.slugs import slugify
from test_properties import RENDER

SLUGIFY = slugify(case="lower")


class _Page:
    """Renders a note as the site does (the vault extension, toc with the site's slugify)
    and scans it, with one index for every example."""

    def __init__(self) -> None:
        self.index = VaultIndex(AnchorMaker(SLUGIFY, "-"))
        self.index.add_note("Target.md", "# Target\n")
        self.renderer = LinkRenderer(self.index, Diagnostics())

    def render(self, text: str) -> tuple[BeautifulSoup, object]:
        note = self.index.transient_note("Page.md", text)
        self.renderer.diagnostics.reset()
        self.renderer.begin_page(note, None)
        extensions = [
            "toc",
            "tables",
            "pymdownx.superfences",
            VaultMarkdownExtension(lambda: self.renderer),
        ]
        logger = logging.getLogger("mkdocs.plugins.mkdocs_vault")
        level = logger.level
        logger.setLevel(logging.CRITICAL)  # broken links are expected: keep the log quiet
        try:
            body, _meta = get_data(source_for_mkdocs(text))  # front matter, as MkDocs reads it
            html = markdown.Markdown(
                extensions=extensions, extension_configs={"toc": {"slugify": SLUGIFY}}
            ).convert(body)
        finally:
            logger.setLevel(level)
        return BeautifulSoup(html, "html.parser"), note


PAGE = _Page()


def _agree(text: str) -> None:
    """The scanner's links and headings are the page's: as many `[[Target]]` links, and
    the headings' predicted ids are the page's heading ids, in order."""
    soup, note = PAGE.render(text)
    shown = len([a for a in soup.find_all("a") if a.get_text() == "Target"])
    assert len(note.occurrence_lines.get("[[Target]]", [])) == shown, text
    ids = [h.get("id") for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert [h.anchor for h in note.headings] == ids, text


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("```\ncode [[a]]\n\n[[x]]\n", {}),
        ("```python\nprint(1)\n[[x]]\n", {}),
        ("```\n[[a]]\n```\n[[x]]\n", {"[[x]]": [4]}),
        ("~~~\n[[a]]\n\n~~~\n[[x]]\n", {"[[x]]": [5]}),
        ("~~~\n[[a]]\n~~~~\n[[x]]\n", {"[[x]]": [4]}),
        ("~~~~\n[[a]]\n~~~\n[[x]]\n", {}),
        ("  ~~~\n[[a]]\n  ~~~\n[[x]]\n", {"[[x]]": [4]}),
        ("> ```\n> [[a]]\n> ```\n\n[[x]]\n", {"[[x]]": [5]}),
        ("> ```\n> [[a]]\n\n[[x]]\n", {"[[x]]": [4]}),
        ("text\n     ~~~\n     [[a]]\n     ~~~\n[[x]]\n", {"[[a]]": [3], "[[x]]": [5]}),
        ("para\n\n     ~~~\n     [[a]]\n     ~~~\n[[x]]\n", {"[[x]]": [6]}),
        ("~~~ a b!\n[[a]]\n", {}),
        ("    code\n~~~\n[[a]]\n~~~\n[[x]]\n", {"[[x]]": [5]}),
        ("- item\n  ```\n  [[a]]\n- [[x]]\n", {"[[x]]": [4]}),
        ("- item\n\n  ```\n  [[a]]\n  ```\n  [[x]]\n", {"[[x]]": [6]}),
        ("para\n- item\n\n      [[a]] code\n", {}),
        ("para\n    [[a]] lazy, no code\n", {"[[a]]": [2]}),
        ("$$\n[[a]]\n$$\n[[x]]\n", {"[[x]]": [4]}),
        ("<div>\n[[a]]\n\n[[x]]\n</div>\n", {"[[x]]": [4]}),
    ],
    ids=[
        "unclosed-fence-is-code-to-the-end",
        "unclosed-python-fence-is-code-to-the-end",
        "closed-fence-is-code",
        "blank-lines-inside-a-fence",
        "longer-closer-closes",
        "shorter-closer-closes-nothing",
        "closer-indented-up-to-three-spaces",
        "fence-in-a-quote",
        "unclosed-fence-in-a-quote-ends-with-the-quote",
        "indented-lines-after-a-paragraph-continue-it",
        "indented-fence-after-a-blank-line-is-indented-code",
        "any-info-string",
        "fence-right-after-indented-code",
        "unclosed-fence-in-a-list-item-ends-with-the-item",
        "fence-in-a-list-item",
        "indented-code-in-a-list-item",
        "lazy-continuation-is-no-code",
        "math-block",
        "html-block-ends-at-a-blank-line",
    ],
)
def test_links_are_code_exactly_where_the_page_shows_code(text, links):
    assert scan_note(text).link_lines == links
    _agree(text.replace("[[a]]", "[[Target]]").replace("[[x]]", "[[Target]]"))


@pytest.mark.parametrize(
    ("text", "headings"),
    [
        ("# A\nText\n## B ##\n", [(1, "A", 1), (2, "B", 3)]),
        ("Setext\n===\n\nTwo\n---\n", [(1, "Setext", 1), (2, "Two", 4)]),
        ("para\n- item\n---\n", []),  # the `---` is a rule after the list
        ("- item\n  ---\n", [(2, "item", 1)]),
        ("- # In a list\n  ## Nested `code`\n", [(1, "In a list", 1), (2, "Nested `code`", 2)]),
        ("> ## Quoted\n> [!note] x\n", [(2, "Quoted", 1)]),
        ("> [!note] Callout\n> ## Inside a callout\n", [(2, "Inside a callout", 2)]),
        ("```\n# not a heading\n```\n    # code\n", []),
        ("text\n# Interrupts\n", [(1, "Interrupts", 2)]),
        ("    # indented code\n   # three spaces\n", [(1, "three spaces", 2)]),
        ("#tag is no heading\n#\n", [(1, "", 2)]),
    ],
)
def test_headings_are_the_pages_headings_with_their_lines(text, headings):
    assert [(h.level, h.text, h.line) for h in scan_note(text).headings] == headings
    _agree(text)


def test_a_setext_heading_of_several_lines_is_one_heading_at_its_first_line():
    scan = scan_note("intro\n\nFirst line\nsecond line\n===\n")
    assert [(h.level, h.line) for h in scan.headings] == [(1, 3)]
    _agree("intro\n\nFirst line\nsecond line\n===\n")


@pytest.mark.parametrize(
    ("text", "blocks"),
    [
        ("```\na\n```\n", {0: 2}),
        ("```\na\n", {0: 1}),
        ("````\na\n```\n````\n", {0: 3}),
        ("```\na\n```   \n", {0: 2}),
        ("  ```\n  a\n   ```\n  ```\n", {0: 2, 3: 3}),  # a closer may be indented 3 spaces
        ("```\n  a\n\n```\n~~~\n~~~\n", {0: 3, 4: 5}),
        ("> ~~~\n> a\n>\n> ~~~\n", {0: 3}),
        ("> ~~~\n>> a\n> ~~~\n", {0: 2}),  # `>` in a quote's code is code
        ("\t```\n\ta\n\t```\n", {}),  # a tab is four columns: indented code
        ("- x\n  ```\n  a\n- y\n", {1: 2}),  # unclosed: to the end of its list item
        ("para\n```\na\n```\n", {1: 3}),  # a fence interrupts a paragraph
    ],
)
def test_fenced_code_blocks_pair_openers_and_closers_as_commonmark_does(text, blocks):
    assert fenced_code_blocks(split_lines(text)) == blocks


def test_a_python_fence_in_a_list_or_quote_is_a_block_with_its_own_code_and_lines():
    text = (
        "# T\n\n- step\n\n  ```python exec\n  x = 1\n    y = x\n  ```\n"
        "> ```python exec\n> print(2)\n> ```\n\n```python\nopen\n"
    )
    blocks = [(b.info, b.first_line, b.code) for b in scan_note(text).code_blocks]
    assert blocks == [
        ("python exec", 6, "x = 1\n  y = x"),
        ("python exec", 10, "print(2)"),
        ("python", 14, "open"),  # never closed: code to the end, as the page shows it
    ]


def test_a_fence_header_superfences_cannot_read_is_no_python_block():
    assert scan_note("```python exec`x\nprint(1)\n```\n").code_blocks == []


def test_block_parse_keeps_one_line_per_line_without_placeholders():
    parsed = note_blocks(["\x02", "    code", "", "# H \x03"])
    # The page removes `\x02`: its line is blank, so the indented line after it is code.
    assert parsed.literal == [(1, 2)]
    assert [(h.line, h.text) for h in parsed.headings] == [(3, "H")]


_LINE = st.sampled_from(
    [
        "",
        "text",
        "[[Target]]",
        "## Heading",
        "# Title [[Target]]",
        "Heading",
        "===",
        "---",
        "- item",
        "- ## Listed",
        "  ## Continued",
        "1. [[Target]]",
        "> quote",
        "> ## Quoted",
        "> [!note] Callout",
        "> ```",
        "```",
        "~~~",
        "    [[Target]] indented",
        "    ## indented",
        "  - nested [[Target]]",
        "<div>",
    ]
)
# (No `$$` line: after a text line it opens inline math, which can hold a `[[link]]` the page
# shows as TeX; the scanner reads inline syntax by its own rules, and does not know math.)


@RENDER
@given(st.lists(_LINE, max_size=12))
@example(["- item", "  ```", "  [[Target]]", "- item", "[[Target]]"])
@example(["text", "- ## Listed", "---"])
@example(["> ```", "> ## Quoted", "", "## Heading"])
@example(["Heading", "text", "==="])
@example(["- item", "", "    [[Target]] indented"])
def test_the_scanner_finds_the_links_and_headings_the_page_shows(lines):
    assume(lines[:1] != ["---"])  # front matter (a broken one is its own matter)
    _agree("\n".join(lines) + "\n")


# -- a real build: links to nested headings land on their ids; exec blocks in containers -----
NESTED = """\
# Nested

Intro paragraph
- a list right after a paragraph line
  ## Heading in a list
- another

> ## Heading in a quote
> text

> [!tip] A callout
> ### Heading in a callout

Setext heading
--------------

Paragraph
# Heading after a paragraph

```
## Not a heading (fenced)
```

    ## Not a heading (indented code)

- item
  ```python exec
  print("from a list")
  ```

> ```python exec
> print("from a quote")
> ```
"""

LINKS = """\
[[Nested#Heading in a list]] [[Nested#Heading in a quote]]
[[Nested#Heading in a callout]] [[Nested#Setext heading]]
[[Nested#Heading after a paragraph]]
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_vault(
        tmp_path_factory.mktemp("nested"), {"Nested.md": NESTED, "Links.md": LINKS}
    )


def test_every_scanned_heading_is_a_heading_of_the_built_page_and_back(site):
    plugin = site.config.plugins["vault"]
    note = plugin.index.notes["Nested.md"]
    soup = site.soup("Nested.md")
    page_ids = [h["id"] for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert [h.anchor for h in note.headings] == page_ids
    assert [h.text for h in note.headings] == [
        "Nested",
        "Heading in a list",
        "Heading in a quote",
        "Heading in a callout",
        "Setext heading",
        "Heading after a paragraph",
    ]


def test_links_to_headings_in_lists_quotes_and_setext_land_on_their_ids(site):
    hrefs = [a["href"] for a in site.soup("Links.md").find_all("a", href=True)]
    hrefs = [h for h in hrefs if h.startswith("../Nested/")]
    assert hrefs == [
        "../Nested/#heading-in-a-list",
        "../Nested/#heading-in-a-quote",
        "../Nested/#heading-in-a-callout",
        "../Nested/#setext-heading",
        "../Nested/#heading-after-a-paragraph",
    ]
    assert not [w for w in site.warnings if "Nested" in w], site.warnings


def test_exec_blocks_in_a_list_item_and_a_quote_run_and_show_their_output(site):
    outputs = [o.get_text() for o in site.soup("Nested.md").select(".vault-stdout")]
    assert outputs == ["from a list\n", "from a quote\n"]
