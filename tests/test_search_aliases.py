"""Search finds a note by its front-matter aliases, as Obsidian's quick switcher does."""

import json

import pytest
from helpers import build_vault

NOTES = {
    "concepts/Softmax.md": """\
        ---
        aliases:
          - normalized exponential
          - "<b>bold</b> & co"
        ---
        # Softmax

        Turns scores into weights.

        ## Definition

        The formula.
        """,
    "Untitled.md": """\
        ---
        aliases: [quick name]
        ---
        Text without a title heading.
        """,
    "Plain.md": "# Plain\n\nNo aliases here.\n",
}


@pytest.fixture(scope="module", params=["material", "mkdocs"])
def build(request, tmp_path_factory):
    theme = {"name": request.param}
    if request.param == "material":
        theme["font"] = False  # no Google Fonts
    return build_vault(
        tmp_path_factory.mktemp(request.param),
        NOTES,
        plugins=("search", "vault"),
        extra={"theme": theme},
    )


def search_entries(build):
    return json.loads((build.site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]


@pytest.mark.parametrize(
    ("alias", "location"),
    [("normalized exponential", "concepts/Softmax/"), ("quick name", "Untitled/")],
)
def test_the_search_index_holds_each_alias_under_its_own_page(build, alias, location):
    # MkDocs' own search also has a whole-page entry and names the title's anchor: any
    # entry holding the alias must open this note (at its top).
    holders = [e["location"] for e in search_entries(build) if alias in e["text"]]
    assert holders and {h.split("#")[0] for h in holders} == {location}


def test_aliases_sit_hidden_after_the_title_so_the_page_reads_as_in_obsidian(build):
    soup = build.soup("concepts/Softmax.md")
    aliases = soup.select("p.vault-aliases")
    assert len(aliases) == 1 and aliases[0].has_attr("hidden")
    assert aliases[0].find_previous_sibling().name == "h1"
    assert aliases[0].get_text() == "Also known as: normalized exponential, <b>bold</b> & co"


def test_a_note_without_a_title_heading_still_gets_its_aliases(build):
    aliases = build.soup("Untitled.md").select("p.vault-aliases")
    assert [a.get_text() for a in aliases] == ["Also known as: quick name"]


def test_a_note_without_aliases_gets_no_alias_paragraph(build):
    assert build.soup("Plain.md").select("p.vault-aliases") == []


def test_the_build_leaves_no_warning(build):
    assert build.warnings == []
