"""Obsidian callouts: every type and alias, titles, folding, nesting, code inside."""

import textwrap

import markdown
import pytest
from bs4 import BeautifulSoup
from helpers import build_vault
from mkdocs_vault import token_tree
from mkdocs_vault.callouts import OBSIDIAN_TYPES

# Obsidian's documented types, each with its aliases, and Material's admonition type
# that has the same colour and icon.
OBSIDIAN_TABLE = [
    ("note", [], "note"),
    ("abstract", ["summary", "tldr"], "abstract"),
    ("info", [], "info"),
    ("todo", [], "info"),
    ("tip", ["hint", "important"], "tip"),
    ("success", ["check", "done"], "success"),
    ("question", ["help", "faq"], "question"),
    ("warning", ["caution", "attention"], "warning"),
    ("failure", ["fail", "missing"], "failure"),
    ("danger", ["error"], "danger"),
    ("bug", [], "bug"),
    ("example", [], "example"),
    ("quote", ["cite"], "quote"),
]
EVERY_NAME = [
    (name, material) for kind, aliases, material in OBSIDIAN_TABLE for name in [kind, *aliases]
]


def render(text: str) -> BeautifulSoup:
    """A note without links through the note parser (no page renderer needed)."""
    md = markdown.Markdown(extensions=["pymdownx.superfences", "pymdownx.arithmatex"])
    token_tree.install(md, None, breaks=False)
    return BeautifulSoup(md.convert(textwrap.dedent(text).strip("\n")), "html.parser")


def test_the_table_covers_every_type_and_alias_obsidian_documents():
    assert sorted(OBSIDIAN_TYPES) == sorted(name for name, _ in EVERY_NAME)


@pytest.mark.parametrize(("name", "material"), EVERY_NAME)
def test_every_obsidian_type_renders_as_the_material_admonition_that_looks_alike(name, material):
    soup = render(f"> [!{name}]\n> Body text.")
    box = soup.find("div")
    assert box["class"][:2] == ["admonition", material]
    assert name in box["class"]
    assert box["data-callout"] == name
    assert box.find("p", class_="admonition-title").get_text() == name.capitalize()
    assert box.find_all("p")[1].get_text() == "Body text."
    assert soup.find("blockquote") is None


@pytest.mark.parametrize(("written", "title"), [("TIP", "Tip"), ("Faq", "Faq"), ("tLdR", "Tldr")])
def test_the_type_is_case_insensitive_and_the_default_title_is_it_in_title_case(written, title):
    box = render(f"> [!{written}]\n> x").find("div")
    assert box["data-callout"] == written.lower()
    assert box.find(class_="admonition-title").get_text() == title


def test_an_unknown_type_looks_like_a_note_and_keeps_its_name():
    box = render("> [!recipe] Pancakes\n> Flour, eggs, milk.").find("div")
    assert box["class"] == ["admonition", "note", "recipe", "callout"]
    assert box["data-callout"] == "recipe"
    assert box.find(class_="admonition-title").get_text() == "Pancakes"


def test_an_unknown_type_named_like_a_material_layout_class_does_not_get_that_class():
    box = render("> [!inline]\n> x").find("div")
    assert "inline" not in box["class"]
    assert box["data-callout"] == "inline"


def test_metadata_after_a_pipe_is_kept_for_css_and_not_part_of_the_type():
    box = render("> [!tip|wide] Title\n> x").find("div")
    assert box["data-callout"] == "tip"
    assert box["data-callout-metadata"] == "wide"


def test_a_custom_title_keeps_its_inline_markdown():
    title = render("> [!tip] Use **bold** and `code`\n> x").find(class_="admonition-title")
    assert title.find("strong").get_text() == "bold"
    assert title.find("code").get_text() == "code"


def test_an_empty_title_falls_back_to_the_type_name():
    assert render("> [!warning]   \n> x").find(class_="admonition-title").get_text() == "Warning"


def test_a_hostile_title_is_shown_as_text_not_run_as_html():
    soup = render('> [!note] <script>alert("x")</script><img src=x onerror=alert(1)>\n> body')
    assert soup.find("script") is None
    assert soup.find("img") is None
    assert (
        soup.find(class_="admonition-title").get_text()
        == '<script>alert("x")</script><img src=x onerror=alert(1)>'
    )


def test_a_title_only_callout_has_no_body():
    box = render("> [!tip] Title-only callout").find("div")
    assert [p.get_text() for p in box.find_all("p")] == ["Title-only callout"]


@pytest.mark.parametrize(("marker", "starts_open"), [("-", False), ("+", True)])
def test_a_foldable_callout_is_a_details_block_starting_closed_or_open(marker, starts_open):
    soup = render(f"> [!faq]{marker} Are callouts foldable?\n> Yes.")
    details = soup.find("details")
    assert details["class"] == ["question", "faq", "callout"]
    assert details.has_attr("open") is starts_open
    assert details.find("summary").get_text() == "Are callouts foldable?"
    assert details.find("p").get_text() == "Yes."
    assert soup.find("div") is None


def test_a_plain_callout_is_not_foldable():
    assert render("> [!note]\n> x").find("details") is None


def test_callouts_nest_inside_callouts():
    soup = render(
        """
        > [!question] Can callouts be nested?
        > > [!todo]- Yes, they can.
        > > > [!example] Even three deep.
        > > > Innermost.
        """
    )
    outer = soup.find("div", attrs={"data-callout": "question"})
    inner = outer.find("details", attrs={"data-callout": "todo"})
    innermost = inner.find("div", attrs={"data-callout": "example"})
    assert innermost.find_all("p")[1].get_text() == "Innermost."
    assert soup.find("blockquote") is None


def test_lists_math_and_code_inside_a_callout_are_parsed_as_markdown_and_code_stays_code():
    soup = render(
        """
        > [!example] Inside
        > - one
        > - two
        >
        > $$
        > a^2 + b^2
        > $$
        >
        > ```python
        > > [!note] not a callout
        > x = "[[not a link]]"
        > ```
        """
    )
    box = soup.find("div")
    assert [li.get_text() for li in box.find("ul").find_all("li")] == ["one", "two"]
    assert "a^2 + b^2" in box.find(class_="arithmatex").get_text()
    code = box.find("code").get_text()
    assert '> [!note] not a callout\nx = "[[not a link]]"' in code
    assert box.find("div", attrs={"data-callout": "note"}) is None


def test_a_callout_marker_inside_a_fence_or_code_span_stays_literal():
    soup = render(
        """
        ```
        > [!note] in a fence
        ```

        `> [!note] in a span`
        """
    )
    assert soup.find(attrs={"data-callout": True}) is None
    assert "> [!note] in a fence" in soup.find("code").get_text()


def test_an_ordinary_blockquote_stays_a_blockquote():
    soup = render("> Just a quote [!not] a marker.")
    assert soup.find("blockquote").get_text().strip() == "Just a quote [!not] a marker."


def test_a_blank_line_ends_the_callout_and_the_next_quote_is_its_own():
    soup = render("> [!note]\n> inside\n\n> plain quote")
    assert soup.find("div").find_all("p")[1].get_text() == "inside"
    assert soup.find("blockquote").get_text().strip() == "plain quote"


def test_in_a_built_site_wikilinks_in_title_and_body_resolve_and_the_page_is_clean(tmp_path):
    build = build_vault(
        tmp_path,
        {
            "Home.md": """
                # Home

                > [!tip]- See [[Other]]
                > Also [[Other#Part]] and [[Missing]].
                """,
            "Other.md": "# Other\n\n## Part\n",
        },
        theme="material",
    )
    details = build.soup("Home.md").find("details", class_="callout")
    assert details.find("summary").find("a", class_="vault-link")["href"] == "../Other/"
    assert details.find("p").find("a", class_="vault-link")["href"] == "../Other/#part"
    # The broken link inside the callout is reported at its own line.
    assert [w for w in build.warnings if "Missing" in w][0].startswith(
        "mkdocs_vault: vault/Home.md:4:"
    )
