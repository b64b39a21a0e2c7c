"""`%%comments%%` across blocks, and Excalidraw drawings (issue 11, item 4).

Golden tests: Markdown in, HTML out through a real build, plus the scanner's view of the
same notes (links, headings, block ids, tags), which must agree with the page.
"""

from __future__ import annotations

import textwrap

import pytest
from bs4 import BeautifulSoup
from helpers import build_vault
from hypothesis import example, given
from hypothesis import strategies as st
from mkdocs_vault.comments import strip_comments
from mkdocs_vault.scan import scan_note
from test_properties import RENDER, VAULT_RENDER, render

# A note shaped like the owner's seed notes (headings, math, links, an image), with a
# draft section commented out: a heading, a link to a missing note, a fence holding `%%`.
SEED_LIKE = """\
# Attention

Used in [[Transformers]] model.

### Intuition
Attention is a weighted average of values.
$$
c = \\sum_j a_j h_j
$$

%%
## Draft: multi-head
secret [[Missing draft note]] text #draft-tag ^draftblock
```python
print("100%%")
```
- a list item [[Another missing]]
%%

## Query, Key & Value
After the comment [[Transformers|the model]]. ^kept
"""

# An Excalidraw drawing as the plugin saves it: front matter, a warning line, text
# elements with block ids, element links, and the scene in a `%%` comment.
DRAWING = """\
---

excalidraw-plugin: parsed
tags: [excalidraw]

---
==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠== You can decompress Drawing data with the command palette: 'Decompress current Excalidraw file'. For more info check in plugin settings under 'Saving'


# Excalidraw Data

## Text Elements
Softmax layer ^xK3pQ9aB

## Element Links
Yb8UuA2c: [[Transformers]]

%%
## Drawing
```compressed-json
N4KAkARALgngDgUwgLgAQQQDwMYEMA2AlgCYBOuA7hADTgQBuCpAzoQPYB2KqATLZMzYBXUtiRoIACyhQ4zZAHoFAc0JRJQgEYA6bGwC2CgF7N6hbEcK4OCtptbErHALRY8RMpWdx8Q1TdIEfARcZgRmBShcZQUebQBWbQAGGjoghH0EDihmbgBtcDBQMBKIEm4IAElSAGkAFSxlZgBZYgB1LABlAAkAMQA5ACtiQdSSyFhEcqgsKGbSzG5nAEYANgB2CvhNbebeTYBmReWAFgSATi2eeIXDgA5m1sgKElZuHkXV+KOEm7WT5l
```
%%
"""

# The uncompressed form, whose JSON may hold `%%` in a text element.
DRAWING_JSON = """\
# Text Elements
Fully sure ^t1

%%
# Drawing
```json
{"type": "excalidraw", "elements": [{"type": "text", "text": "100%% sure"}]}
```
%%
"""

# What Excalidraw's SVG export looks like: no script, fonts in a style element.
EXPORTED_SVG = (
    '<svg version="1.1" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    "<!-- svg-source:excalidraw --><metadata></metadata><defs>"
    '<style class="style-fonts">@font-face { font-family: "Virgil"; }</style></defs>'
    '<rect x="1" y="1" width="8" height="8" fill="#fff"/><text x="2" y="5">Softmax layer</text>'
    "</svg>"
)
SCRIPTED_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

VAULT = {
    "Transformers.md": "# Transformers\n\nModels.\n",
    "Attention.md": SEED_LIKE,
    "Linker.md": "[[Attention#Draft: multi-head]] and [[Attention#Query, Key & Value]]\n",
    "Blocks.md": textwrap.dedent(
        """\
        Inline %%hidden%% comment and `%%code%%` kept.

        A paragraph %%that hides
        across lines%% and goes on.

        > [!note] Callout
        > shown before
        > %%
        > hidden in the callout
        > %%
        > shown after

        - one
        - two %%hidden
        - three%% four
        - five

        Code:

            indented %% code

        ~~~
        fenced %% code
        ~~~

        Last words.

        %% never closed
        # Not a heading
        unseen
        """
    ),
    "JsonShape.md": DRAWING_JSON + "\nAfter the drawing data.\n",
    "Drawing.excalidraw.md": DRAWING,
    "Drawing.excalidraw.svg": EXPORTED_SVG,
    "sub/Photo.excalidraw.md": DRAWING,
    "sub/Photo.excalidraw.png": PNG,
    "Sketch.excalidraw.md": DRAWING,
    "Evil.excalidraw.md": DRAWING,
    "Evil.excalidraw.svg": SCRIPTED_SVG,
    "Plan.md": DRAWING,  # a drawing renamed without the suffix: its property says what it is
    "Plan.svg": EXPORTED_SVG,
    "Home.md": textwrap.dedent(
        """\
        # Home

        ![[Drawing.excalidraw]]

        ![[Drawing.excalidraw.md|300]]

        ![[Photo.excalidraw]]

        See ![[Sketch.excalidraw]] here.

        ![[Evil.excalidraw]]

        [[Drawing.excalidraw#^xK3pQ9aB|element]] [[Drawing.excalidraw#Text Elements|texts]]
        ![[Drawing.excalidraw#^group=abc]]
        """
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_vault(tmp_path_factory.mktemp("comments"), VAULT)


def _content(site, uri: str):
    """The note's own content: without the backlinks and graph the plugin appends."""
    soup = site.soup(uri)
    for appended in soup.find_all(["aside", "section"]):
        appended.decompose()
    return soup


# -- comments on the page ----------------------------------------------------------------
def test_a_comment_holding_a_heading_hides_it_and_keeps_the_text_after_it(site):
    soup = _content(site, "Attention.md")
    headings = [h.get_text().rstrip("¶") for h in soup.find_all(["h1", "h2", "h3"])]
    assert headings == ["Attention", "Intuition", "Query, Key & Value"]
    text = soup.get_text()
    for hidden in ("Draft", "secret", "100%%", "a list item", "%%"):
        assert hidden not in text
    assert "After the comment" in text
    assert soup.find("a", string="the model") is not None
    assert soup.find("p", id="^kept").get_text() == "After the comment the model."


def test_links_inside_a_comment_are_neither_rendered_nor_reported(site):
    assert not [w for w in site.warnings if "Missing draft note" in w or "Another missing" in w]
    assert "Missing draft note" not in site.html("Attention.md")


def test_a_heading_inside_a_comment_is_no_link_target(site):
    draft = [w for w in site.warnings if "Linker.md:1" in w and "Draft: multi-head" in w]
    assert draft, site.warnings
    assert not [w for w in site.warnings if "Query, Key & Value" in w]


def test_comments_hide_exactly_what_they_enclose_in_paragraphs_callouts_and_lists(site):
    soup = _content(site, "Blocks.md")
    paragraphs = [" ".join(p.get_text().split()) for p in soup.find_all("p")]
    assert "Inline comment and %%code%% kept." in paragraphs
    assert "A paragraph and goes on." in paragraphs
    callout = soup.find("div", class_="callout")
    # The comment's lines keep their `>`: the callout goes on after it.
    assert [p.get_text() for p in callout.find_all("p")] == ["Callout", "shown before", "shown after"]
    assert "hidden" not in soup.get_text()
    items = [" ".join(li.get_text().split()) for li in soup.find_all("li")]
    assert items == ["one", "two four", "five"]


def test_a_percent_pair_in_code_is_code_not_a_comment(site):
    codes = [c.get_text() for c in _content(site, "Blocks.md").find_all("code")]
    assert "%%code%%" in codes
    assert any("indented %% code" in c for c in codes)
    assert any("fenced %% code" in c for c in codes)


def test_an_unclosed_comment_hides_the_rest_of_the_note(site):
    soup = _content(site, "Blocks.md")
    assert "Last words." in soup.get_text()
    assert "Not a heading" not in soup.get_text() and "unseen" not in soup.get_text()


def test_a_fence_in_a_comment_is_hidden_whole_even_with_percent_pairs_in_its_json(site):
    soup = _content(site, "JsonShape.md")
    text = soup.get_text()
    assert "excalidraw" not in text and "elements" not in text and "Drawing" not in text
    assert "After the drawing data." in text
    assert "Fully sure" in text  # the text element outside the comment stays


# -- the scanner reads what the page shows ------------------------------------------------
def test_the_scanner_skips_headings_links_ids_and_tags_inside_comments():
    scan = scan_note(SEED_LIKE)
    assert [h.text for h in scan.headings] == ["Attention", "Intuition", "Query, Key & Value"]
    assert set(scan.link_lines) == {"[[Transformers]]", "[[Transformers|the model]]"}
    assert scan.link_lines["[[Transformers|the model]]"] == [21]
    assert set(scan.blocks) == {"kept"}
    assert scan.code_blocks == []  # commented-out code is never run
    assert scan.inline_tags == []


def test_a_commented_fence_holding_a_percent_pair_does_not_end_the_comment():
    text = "%%\n```\n%%\n```\n[[Hidden]] #hidden\n%%\n[[Shown]] #shown\n"
    assert list(scan_note(text).link_lines) == ["[[Shown]]"]
    assert scan_note(text).inline_tags == ["shown"]


def test_a_commented_fence_that_never_closes_hides_nothing_after_the_comment():
    # Outside a comment such a fence is code to the end (CommonMark); inside one the page
    # never sees it, and the comment ends at the next `%%`, as it would without the fence.
    text = "%%\n```\n[[Hidden]] %%\n[[Shown]] #shown\n"
    assert strip_comments(text.splitlines()) == ["", "", "", "[[Shown]] #shown"]
    assert list(scan_note(text).link_lines) == ["[[Shown]]"]
    assert scan_note(text).inline_tags == ["shown"]


def test_stripping_keeps_one_line_per_line_and_the_quote_markers_of_a_callout():
    lines = ["> [!note]", "> a %%x", "> y%% b", "> c", "text %%", "gone", "%% end"]
    assert strip_comments(lines) == ["> [!note]", "> a ", ">  b", "> c", "text ", "", " end"]


def test_a_link_that_starts_before_a_marker_keeps_it():
    assert strip_comments(["[[a%%b]] %% c %% d"]) == ["[[a%%b]]  d"]


# -- Excalidraw ---------------------------------------------------------------------------
def test_a_drawing_page_shows_its_exported_svg_and_none_of_its_data(site):
    soup = site.soup("Drawing.excalidraw.md")
    image = soup.find("img", class_="vault-embed")
    assert image is not None and image["src"] == "../Drawing.excalidraw.svg"
    assert image["alt"] == "Drawing"
    text = soup.get_text()
    for data in ("N4KAkAR", "compressed-json", "Text Elements", "Switch to EXCALIDRAW", "^xK3"):
        assert data not in text and data not in site.html("Drawing.excalidraw.md")
    assert (site.site / "Drawing.excalidraw.svg").read_text() == EXPORTED_SVG


def test_a_note_with_the_excalidraw_property_is_a_drawing_too(site):
    image = _content(site, "Plan.md").find("img")
    assert image is not None and image["src"] == "../Plan.svg" and image["alt"] == "Plan"
    assert "N4KAkAR" not in site.html("Plan.md")


def test_a_drawing_page_shows_its_exported_png_when_there_is_no_svg(site):
    image = site.soup("sub/Photo.excalidraw.md").find("img")
    assert image is not None and image["src"] == "../Photo.excalidraw.png"


def test_embeds_of_a_drawing_show_its_exported_image(site):
    images = site.soup("Home.md").find_all("img", class_="vault-embed")
    sources = [(i["src"], i.get("width")) for i in images]
    assert sources == [
        ("../Drawing.excalidraw.svg", None),
        ("../Drawing.excalidraw.svg", "300"),
        ("../sub/Photo.excalidraw.png", None),
        ("../Drawing.excalidraw.svg", None),  # an Excalidraw `#^group=` fragment: shown whole
    ]


def test_links_into_a_drawing_open_its_page_without_a_warning(site):
    soup = _content(site, "Home.md")
    for text in ("element", "texts"):
        assert soup.find("a", string=text)["href"] == "../Drawing.excalidraw/"
    assert not [w for w in site.warnings if "Home.md" in w and "Drawing" in w], site.warnings


def test_a_drawing_without_an_export_is_a_placeholder_and_a_warning_with_a_hint(site):
    for uri, line in (("Home.md", 9), ("Sketch.excalidraw.md", 1)):
        placeholder = site.soup(uri).find(class_="vault-excalidraw-missing")
        assert placeholder is not None and "Sketch" in placeholder.get_text()
        warning = [w for w in site.warnings if f"vault/{uri}:{line}: drawing 'vault/Sketch" in w]
        assert warning and "Auto-export SVG" in warning[0], site.warnings
    assert "N4KAkAR" not in site.html("Sketch.excalidraw.md")


def test_an_exported_svg_with_script_is_linked_as_text_not_shown(site):
    soup = site.soup("Home.md")
    assert not soup.find("img", src=lambda s: s and "Evil" in s)
    assert soup.find("a", href=lambda h: h and "Evil.excalidraw.svg" in h) is not None
    assert [w for w in site.warnings if "Home.md:11" in w and "would run script" in w]


def test_a_drawing_page_renders_none_of_its_links(site):
    assert _content(site, "Drawing.excalidraw.md").find("a") is None


# -- the scanner and the page agree, whatever the blocks around a comment -----------------
# Lists, quotes and indented code by CommonMark's rules, as the page reads them (the
# scanner takes its blocks from the page's own parser, `blocks.py`).
_LINE = st.sampled_from(
    [
        "%%",
        "a %% b",
        "## Heading",
        "[[Target]]",
        "- [[Target]] %%",
        "> [[Target]]",
        "~~~",
        "`%%` [[Target]]",
        "",
        "text",
        "- item",
        "  ## Heading",
        "    [[Target]] %%",
        "    ~~~",
        "> ## Heading",
        "```",
    ]
)


@RENDER
@given(st.lists(_LINE, max_size=12))
@example(["%%", "## Heading", "[[Target]]", "%%", "## Heading"])
@example(["~~~", "%%", "~~~", "[[Target]]"])
@example(["## Heading", "    [[Target]] %%", "[[Target]]", "%%"])
@example(["> %%", "> [[Target]]", "> %%", "> [[Target]]"])
def test_the_scanner_sees_a_link_or_heading_exactly_where_the_page_shows_one(lines):
    text = "\n".join(lines) + "\n"
    soup = BeautifulSoup(render(text), "html.parser")
    note = VAULT_RENDER.index.transient_note("sub/Page.md", text)
    shown = len([a for a in soup.find_all("a") if a.get_text() == "Target"])
    assert len(note.occurrence_lines.get("[[Target]]", [])) == shown
    assert len(note.headings) == len(soup.find_all("h2"))
