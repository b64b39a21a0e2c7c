"""A note's body has the structure Obsidian shows: CommonMark + GFM, plus Obsidian's own syntax.

Golden tests, Markdown note in -> page HTML out through a real build, compared on the
structure that matters (elements, nesting, text, attributes readers and scripts use), not
byte for byte. Before issue 11 notes went through Python-Markdown's dialect:
`Intro:\\n- one` was one paragraph, 2-space nested lists flattened, `- [ ] task`,
`~~old~~`, bare URLs and `^[footnotes]` stayed literal, a single newline joined lines,
`where\\n$$E=mc^2$$` left stray dollars, and `3. x` started at 1.

Obsidian's features the site already had (callouts as admonitions, wikilinks in lists
and tables, Pygments highlighting, properties only from `---`) must keep working on the
new parser; their tests here pass before and after.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup, Tag
from helpers import build_vault

# One note per behaviour; the whole set is built once (backlinks and graph off, so each
# page holds only what its note says).
NOTES = {
    "List after text.md": "Intro:\n- one\n- two\n",
    "Nested 2.md": "- a\n  - b\n    - c\n",
    "Nested 4.md": "- a\n    - b\n        - c\n",
    "Nested tab.md": "- a\n\t- b\n\t\t- c\n",
    "Ordered content column.md": "1. one\n   - sub\n2. two\n",
    "Bullet holding ordered.md": "- 2. It is dynamic:\n- next\n",
    "Markers.md": "* a\n* b\n\n+ c\n+ d\n",
    "Start number.md": "3. x\n4. y\n",
    "Lazy.md": "- a\n  - b\nlazy\n",
    "Setext.md": "Title\n=====\n\nSub\n---\n\nBody.\n",
    "Table.md": "| left | centre | right |\n|:-----|:------:|------:|\n| 1 | 2 | 3 |\n",
    "Strike.md": "Was ~~old~~ now.\n",
    "Autolinks.md": "See https://example.com/x and www.example.com today.\n",
    "Tasks.md": "- [ ] open\n- [x] done\n- [/] half\n- [-] cancelled\n- [?] question\n- [>] moved\n- [!] important\n",
    "Inline footnote.md": "Text^[inline footnote] here.\n\nLast paragraph.\n",
    "Line break.md": "line one\nline two\n",
    "Display after text.md": "where\n$$E=mc^2$$\n",
    "Display in text.md": "text $$x$$ text\n",
    "Inline math.md": "inline $x$ here\n",
    "Prices.md": "Costs $5 and $6 today.\n",
    "Note first.md": "Note: something\n\nBody.\n",
    "Highlight.md": "A ==highlight== here.\n",
    "Links.md": "- see [[Target]]\n\n| cell |\n|---|\n| [[Target]] |\n\nCode `[[Nowhere]]` stays.\n",
    "Target.md": "# Target\n",
    "Callout.md": "> [!note] Title\n> - one\n>   - two\n",
    "Fence.md": "```python\ndef f():\n    return 1\n```\n",
}
QUIET = {"backlinks": False, "graph": False}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_vault(tmp_path_factory.mktemp("obsidian"), NOTES, plugins=({"vault": QUIET},))


@pytest.fixture(scope="module")
def strict_site(tmp_path_factory):
    notes = {"Line break.md": NOTES["Line break.md"]}
    options = {**QUIET, "strict_line_breaks": True}
    return build_vault(tmp_path_factory.mktemp("strict"), notes, plugins=({"vault": options},))


def text(element: Tag) -> str:
    """Visible text with runs of whitespace as one space, heading permalinks left out."""
    return " ".join(element.get_text(" ").replace("¶", " ").split())


def own_items(listing: Tag) -> list[Tag]:
    return listing.find_all("li", recursive=False)


def sublist(item: Tag) -> Tag | None:
    """The list nested directly in an item (not one deeper down)."""
    return item.find(["ul", "ol"], recursive=False)


def item_text(item: Tag) -> str:
    """An item's own text, without the lists nested in it."""
    pieces = []
    for child in item.children:
        if isinstance(child, Tag) and child.name in ("ul", "ol"):
            continue
        pieces.append(child.get_text(" ") if isinstance(child, Tag) else str(child))
    return " ".join(" ".join(pieces).split())


def outline(listing: Tag) -> list:
    """`[(item text, outline of its nested list or None), ...]`."""
    return [(item_text(li), outline(sub) if (sub := sublist(li)) else None) for li in own_items(listing)]


def is_display_math(element: Tag) -> bool:
    """What vault-math.js typesets as display math: `\\[..\\]`/`$$..$$`, or a non-span element."""
    source = element.get_text().strip()
    if source.startswith("\\[") and source.endswith("\\]") or source.startswith("$$") and source.endswith("$$"):
        return True
    if source.startswith("\\(") and source.endswith("\\)") or source.startswith("$") and source.endswith("$"):
        return False
    return element.name != "span"


def tex(element: Tag) -> str:
    source = element.get_text().strip()
    for left, right in (("\\[", "\\]"), ("\\(", "\\)"), ("$$", "$$"), ("$", "$")):
        if source.startswith(left) and source.endswith(right):
            return source[len(left) : -len(right)].strip()
    return source


def text_outside_math(soup: BeautifulSoup) -> str:
    copy = BeautifulSoup(str(soup), "html.parser")
    for math in copy.select(".arithmatex"):
        math.decompose()
    return text(copy)


def alignment(cell: Tag) -> str | None:
    if cell.get("align"):
        return cell["align"]
    found = re.search(r"text-align:\s*(\w+)", cell.get("style", ""))
    return found.group(1) if found else None


# --- lists -----------------------------------------------------------------------------


def test_a_list_right_after_a_paragraph_line_is_a_list(site):
    soup = site.soup("List after text.md")
    assert [text(p) for p in soup.find_all("p")] == ["Intro:"]
    assert outline(soup.find("ul")) == [("one", None), ("two", None)]


@pytest.mark.parametrize("note", ["Nested 2.md", "Nested 4.md", "Nested tab.md"])
def test_items_nest_by_their_content_column_with_2_spaces_4_spaces_or_tabs(site, note):
    assert outline(site.soup(note).find("ul")) == [("a", [("b", [("c", None)])])]


def test_an_ordered_item_s_content_column_is_after_its_number(site):
    soup = site.soup("Ordered content column.md")
    assert outline(soup.find("ol")) == [("one", [("sub", None)]), ("two", None)]
    assert soup.find("ol").find("ul").parent.name == "li"


def test_a_bullet_item_that_opens_with_a_number_holds_an_ordered_list_starting_there(site):
    soup = site.soup("Bullet holding ordered.md")
    bullets = soup.find("ul")
    first, second = own_items(bullets)
    inner = sublist(first)
    assert inner is not None and inner.name == "ol" and inner.get("start") == "2"
    assert outline(inner) == [("It is dynamic:", None)]
    assert item_text(second) == "next"


def test_star_and_plus_markers_are_bullets_and_a_new_marker_starts_a_new_list(site):
    soup = site.soup("Markers.md")
    lists = soup.find_all("ul")
    assert [outline(ul) for ul in lists] == [[("a", None), ("b", None)], [("c", None), ("d", None)]]
    assert "*" not in text(soup) and "+" not in text(soup)


def test_an_ordered_list_keeps_its_start_number(site):
    ol = site.soup("Start number.md").find("ol")
    assert ol.get("start") == "3"
    assert outline(ol) == [("x", None), ("y", None)]


def test_a_lazy_continuation_line_continues_the_innermost_item(site):
    soup = site.soup("Lazy.md")
    assert outline(soup.find("ul")) == [("a", [("b lazy", None)])]


def test_task_items_are_checkboxes_with_obsidian_s_status_on_the_item(site):
    items = own_items(site.soup("Tasks.md").find("ul"))
    assert [item_text(li) for li in items] == ["open", "done", "half", "cancelled", "question", "moved", "important"]
    boxes = [li.find("input") for li in items]
    assert all(box is not None and box.get("type") == "checkbox" for box in boxes)
    assert [li.get("data-task") for li in items[1:]] == ["x", "/", "-", "?", ">", "!"]
    assert items[0].get("data-task") in ("", " ")
    assert not boxes[0].has_attr("checked") and boxes[1].has_attr("checked")


# --- blocks ----------------------------------------------------------------------------


def test_setext_underlines_make_level_1_and_2_headings(site):
    soup = site.soup("Setext.md")
    assert [(h.name, text(h)) for h in soup.find_all(["h1", "h2"])] == [("h1", "Title"), ("h2", "Sub")]
    assert "===" not in text(soup) and "---" not in text(soup)


def test_a_gfm_table_keeps_its_column_alignment(site):
    table = site.soup("Table.md").find("table")
    assert [text(th) for th in table.find_all("th")] == ["left", "centre", "right"]
    assert [alignment(th) for th in table.find_all("th")] == ["left", "center", "right"]
    assert [alignment(td) for td in table.find_all("td")] == ["left", "center", "right"]


def test_a_first_line_of_the_form_word_colon_text_stays_on_the_page(site):
    soup = site.soup("Note first.md")
    assert [text(p) for p in soup.find_all("p")] == ["Note: something", "Body."]


def test_a_callout_with_a_nested_list_is_still_an_admonition(site):
    callout = site.soup("Callout.md").select_one("div.admonition")
    assert callout is not None and "note" in callout["class"]
    assert text(callout.select_one(".admonition-title")) == "Title"
    assert outline(callout.find("ul")) == [("one", [("two", None)])]
    assert site.soup("Callout.md").find("blockquote") is None


def test_a_fence_with_a_language_is_still_highlighted_by_pygments(site):
    block = site.soup("Fence.md").select_one("div.highlight pre code")
    assert block is not None
    assert [span.get_text() for span in block.select("span.k")] == ["def", "return"]
    assert block.get_text().strip() == "def f():\n    return 1"


# --- inlines ---------------------------------------------------------------------------


def test_double_tildes_strike_through(site):
    soup = site.soup("Strike.md")
    struck = soup.find(["del", "s"])
    assert struck is not None and struck.get_text() == "old"
    assert "~" not in text(soup)


def test_bare_urls_and_www_addresses_become_links(site):
    links = {a.get_text(): a.get("href") for a in site.soup("Autolinks.md").find_all("a")}
    assert links.get("https://example.com/x") == "https://example.com/x"
    assert re.fullmatch(r"https?://www\.example\.com/?", links.get("www.example.com") or "")


def test_an_inline_footnote_is_a_reference_with_its_text_at_the_end(site):
    soup = site.soup("Inline footnote.md")
    first = soup.find("p")
    assert "^[" not in text(soup) and "inline footnote" not in text(first)
    reference = first.select_one("sup a[href^='#']")
    assert reference is not None, str(first)
    note = soup.find(id=reference["href"][1:])
    assert note is not None and "inline footnote" in text(note)
    last = soup.find("p", string="Last paragraph.")
    assert last is not None and last in note.find_all_previous("p")


def test_double_equals_highlight_as_mark(site):
    mark = site.soup("Highlight.md").find("mark")
    assert mark is not None and mark.get_text() == "highlight"


def test_wikilinks_resolve_inside_list_items_and_table_cells(site):
    soup = site.soup("Links.md")
    for container in (soup.find("li"), soup.find("td")):
        link = container.find("a")
        assert link is not None and link.get("href") == "../Target/", str(container)
    assert not [w for w in site.warnings if "Links.md" in w]


def test_a_wikilink_in_a_code_span_stays_literal(site):
    code = site.soup("Links.md").find("code")
    assert code.get_text() == "[[Nowhere]]" and code.find("a") is None
    assert not [w for w in site.warnings if "Nowhere" in w]


# --- line breaks -----------------------------------------------------------------------


def test_a_single_newline_is_a_line_break_by_default(site):
    paragraphs = site.soup("Line break.md").find_all("p")
    assert len(paragraphs) == 1
    assert paragraphs[0].find("br") is not None
    assert text(paragraphs[0]) == "line one line two"


def test_strict_line_breaks_joins_the_lines_as_commonmark_does(strict_site):
    assert strict_site.warnings == []  # the option is known
    paragraphs = strict_site.soup("Line break.md").find_all("p")
    assert len(paragraphs) == 1 and paragraphs[0].find("br") is None
    assert text(paragraphs[0]) == "line one line two"


# --- math ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "formula", "around"),
    [("Display after text.md", "E=mc^2", "where"), ("Display in text.md", "x", "text text")],
)
def test_double_dollars_next_to_text_are_display_math_without_stray_dollars(site, note, formula, around):
    soup = site.soup(note)
    maths = soup.select(".arithmatex")
    assert len(maths) == 1, str(soup)
    assert is_display_math(maths[0]) and tex(maths[0]) == formula, str(maths[0])
    assert text_outside_math(soup) == around


def test_single_dollars_are_inline_math(site):
    soup = site.soup("Inline math.md")
    maths = soup.select(".arithmatex")
    assert len(maths) == 1 and not is_display_math(maths[0]) and tex(maths[0]) == "x"
    assert text_outside_math(soup) == "inline here"


def test_prices_with_dollar_signs_stay_text(site):
    soup = site.soup("Prices.md")
    assert soup.select(".arithmatex") == []
    assert text(soup) == "Costs $5 and $6 today."
