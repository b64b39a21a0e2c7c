"""Front-matter lists (`tags`, `aliases`, `cssclasses`) are read by one rule everywhere.

A note's tags are its front-matter tags and the `#tags` of its text; the page (Material's
tag chips) and the graph (`graph.json`) show the same ones, and an alias is the same
name for the link resolver as for search.
"""

import json

import pytest
from helpers import build_vault
from mkdocs_vault.properties import (
    ALIASES,
    CSS_CLASSES,
    TAGS,
    front_matter_aliases,
    front_matter_tags,
    read_list,
)
from mkdocs_vault.scan import scan_note


@pytest.mark.parametrize(
    ("meta", "items"),
    [
        # A string: tags are split on commas and white space (a tag has no space)...
        ({"tags": "attention math"}, ["attention", "math"]),
        ({"tags": "a, b,c  d"}, ["a", "b", "c", "d"]),
        ({"tag": "legacy"}, ["legacy"]),
        ({"tags": "a", "tag": "b"}, ["a", "b"]),
        # ...a list is its items (`#` optional); None and empty items are no items.
        ({"tags": ["a", None, "", "  ", "#c"]}, ["a", "c"]),
        ({"tags": None}, []),
        ({"tags": ""}, []),
        ({}, []),
    ],
)
def test_a_tags_value_is_a_list_or_a_comma_or_space_separated_string(meta, items):
    value = read_list(meta, TAGS)
    assert value.items == items
    assert value.problems == []


@pytest.mark.parametrize(
    ("meta", "items"),
    [
        # An alias is a name: a string is one alias, spaces and all; commas separate.
        ({"aliases": "My Alias"}, ["My Alias"]),
        ({"aliases": "Doggo, Woofer,  Yapper "}, ["Doggo", "Woofer", "Yapper"]),
        ({"alias": "Old style"}, ["Old style"]),
        ({"aliases": ["a, b", "c d"]}, ["a, b", "c d"]),  # a list item is one name
    ],
)
def test_an_aliases_string_is_split_on_commas_only(meta, items):
    value = read_list(meta, ALIASES)
    assert value.items == items
    assert value.problems == []


def test_cssclasses_are_split_like_tags():
    assert read_list({"cssclasses": "wide, dense narrow"}, CSS_CLASSES).items == [
        "wide",
        "dense",
        "narrow",
    ]


@pytest.mark.parametrize(
    ("meta", "items", "problems"),
    [
        ({"aliases": 5}, [], ["'aliases: 5' is not a list of names"]),
        ({"aliases": {"a": 1}}, [], ["'aliases: {'a': 1}' is not a list of names"]),
        ({"alias": True}, [], ["'alias: True' is not a list of names"]),
        (
            {"aliases": ["Real name", 1984, None, ["nested"], {"k": "v"}, False]},
            ["Real name"],
            [
                "1984 in 'aliases' is not a name",
                "['nested'] in 'aliases' is not a name",
                "{'k': 'v'} in 'aliases' is not a name",
                "False in 'aliases' is not a name",
            ],
        ),
        ({"cssclasses": 3.5}, [], ["'cssclasses: 3.5' is not a list of classes"]),
    ],
)
def test_what_is_no_list_of_text_is_a_problem_never_an_exception(meta, items, problems):
    value = read_list(meta, ALIASES if "aliases" in meta or "alias" in meta else CSS_CLASSES)
    assert value.items == items
    assert [message for _key, message, _hint in value.problems] == problems


def test_front_matter_tags_drop_the_hash_and_report_what_is_no_tag():
    result = front_matter_tags({"tags": ["#a", "ok/nested", 2024, "1984", "two words", None]})
    assert result.tags == ["a", "ok/nested"]
    assert [message for _key, message, _hint in result.problems] == [
        "2024 in 'tags' is not a tag",
        "'1984' in 'tags' is not a tag",
        "'two words' in 'tags' is not a tag",
    ]


def test_front_matter_aliases_are_the_names_and_the_problems():
    result = front_matter_aliases({"aliases": ["A", 7], "alias": "B, C"})
    assert result.names == ["A", "B", "C"]
    assert [(key, message) for key, message, _hint in result.problems] == [
        ("aliases", "7 in 'aliases' is not a name")
    ]


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("# T\n\nText #one and #two/sub.\n", ["one", "two/sub"]),
        ("```\n#fenced\n```\n`#code` %% #hidden %% #shown\n", ["shown"]),
        ("---\ntags: [x]\n---\n#body\n", ["body"]),  # front matter is not text
        ("no tags # here, page#anchor, #1984\n", []),
    ],
)
def test_the_scan_finds_the_inline_tags_the_page_renders(text, tags):
    assert scan_note(text).inline_tags == tags


NOTES = {
    "index.md": "# Home\n\nSee [[My Alias]], [[Real name]] and [[Mixed]].\n",
    "Attention.md": (
        "---\ntags: attention math\naliases: My Alias\n---\n"
        "# Attention\n\nText with #inline-tag, #Math again and `#code`.\n"
    ),
    "Mixed.md": (
        "---\ntags: [ok, 2024, null, '']\naliases: [Real name, 1984, null]\n---\n"
        "# Mixed\n\nAnd #later.\n"
    ),
    "Other.md": "---\ntags: [MATH]\n---\n# Other\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_vault(
        tmp_path_factory.mktemp("lists"),
        NOTES,
        theme="material",
        plugins=("search", "vault", "tags"),
    )


def page_tags(site, src_uri):
    """The tags Material shows on the page (from `page.meta["tags"]`), which it sorts."""
    return [a.get_text().strip() for a in site.soup(src_uri).select("nav.md-tags .md-tag")]


def graph_tags(site):
    graph = json.loads((site.site / "assets/mkdocs_vault/graph.json").read_text(encoding="utf-8"))
    return {node["id"]: node["tags"] for node in graph["nodes"]}


def test_a_space_separated_tags_string_is_the_same_tags_on_the_page_and_in_the_graph(site):
    # Front matter first, then the text's; `#Math` is `math` again (tags ignore case).
    assert graph_tags(site)["Attention.md"] == ["attention", "math", "inline-tag"]
    assert page_tags(site, "Attention.md") == sorted(graph_tags(site)["Attention.md"])


def test_the_graph_lists_a_notes_inline_tags_as_its_page_does(site):
    assert graph_tags(site)["Mixed.md"] == ["ok", "later"]
    assert page_tags(site, "Mixed.md") == ["later", "ok"]
    assert graph_tags(site)["index.md"] == []


def test_a_tag_is_spelled_in_the_graph_as_on_the_page(site):
    # Tags ignore case: the build keeps one spelling (the first it meets) for both.
    assert [t.lower() for t in graph_tags(site)["Other.md"]] == ["math"]
    assert page_tags(site, "Other.md") == graph_tags(site)["Other.md"]


def test_an_alias_with_a_space_is_one_name_for_links_and_for_search(site):
    links = {a.get_text(): a["href"] for a in site.soup("index.md").select("a.vault-link")}
    assert links["My Alias"] == "Attention/"
    assert links["Real name"] == "Mixed/"
    hidden = site.soup("Attention.md").select_one("p.vault-aliases")
    assert hidden.get_text() == "Also known as: My Alias"
    assert site.soup("Mixed.md").select_one("p.vault-aliases").get_text() == (
        "Also known as: Real name"
    )


def test_a_non_text_item_of_a_list_is_reported_at_its_line_and_left_out(site):
    assert sorted(w.split(": ", 1)[1] for w in site.warnings) == [
        "vault/Mixed.md:2: 2024 in 'tags' is not a tag (a tag is letters, digits, _, - and /, "
        "with at least one non-digit)",
        "vault/Mixed.md:3: 1984 in 'aliases' is not a name (aliases are text: write [Name, "
        "Other name], a number or date in quotes)",
    ], site.warnings
