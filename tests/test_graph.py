"""The graph view's data and pages: notes are nodes, links and embeds between notes are edges."""

import json

import pytest
from helpers import build_vault, tree_digest, write_vault

NOTES = {
    "index.md": "# Home\n\n[[Transformers]] and [[concepts/Softmax|softmax]], and [[Missing]].\n",
    "concepts/Softmax.md": "# Softmax\n\n![[Attention#Why]]\n\n[back](../index.md)\n",
    "concepts/Attention.md": (
        "---\naliases: [Transformers]\ntags: [attention/basics]\n---\n"
        "# Attention\n\n## Why\n\nBecause. [[#Why]] [[Secret]]\n"
    ),
    "Secret.md": "---\npublish: false\n---\n# Secret\n\n[[Softmax]]\n",
    "Loner.md": "# Loner\n\n`[[Softmax]]` is code.\n",
}


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    return build_vault(tmp_path_factory.mktemp("graph"), NOTES, theme="material")


@pytest.fixture(scope="module")
def graph(build):
    return json.loads((build.site / "assets/mkdocs_vault/graph.json").read_text(encoding="utf-8"))


def test_only_the_expected_broken_and_unpublished_links_are_reported(build):
    assert len(build.warnings) == 2
    assert any("'Missing' not found" in w for w in build.warnings)
    assert any("not published" in w for w in build.warnings)


def test_every_published_note_is_a_node_with_its_title_url_and_tags(graph):
    nodes = {node["id"]: node for node in graph["nodes"]}
    assert sorted(nodes) == ["Loner.md", "concepts/Attention.md", "concepts/Softmax.md", "index.md"]
    assert nodes["concepts/Attention.md"] == {
        "id": "concepts/Attention.md",
        "title": "Attention",
        "url": "concepts/Attention/",
        "tags": ["attention/basics"],
    }


def test_links_aliases_embeds_and_markdown_links_are_edges(graph):
    edges = {(e["source"], e["target"]): e["kind"] for e in graph["edges"]}
    assert edges == {
        ("index.md", "concepts/Attention.md"): "link",  # through the alias
        ("index.md", "concepts/Softmax.md"): "link",
        ("concepts/Softmax.md", "concepts/Attention.md"): "embed",
        ("concepts/Softmax.md", "index.md"): "link",  # a Markdown link
    }


def test_no_edge_points_at_a_missing_or_unpublished_note(graph):
    ids = {node["id"] for node in graph["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])


def test_a_script_copy_of_the_data_serves_sites_opened_from_files(build, graph):
    script = (build.site / "assets/mkdocs_vault/graph-data.js").read_text(encoding="utf-8")
    prefix = "window.mkdocsVaultGraph="
    assert script.startswith(prefix)
    assert json.loads(script[len(prefix) :].rstrip().rstrip(";")) == graph


def test_the_graph_page_is_generated_in_the_site_not_the_vault(build):
    soup = build.soup("graph.md")
    assert soup.select_one("[data-vault-graph='global']") is not None
    assert not (build.root / "vault" / "graph.md").exists()


def test_a_linked_note_ends_with_its_local_graph_and_a_lone_note_has_none(build):
    panel = build.soup("concepts/Softmax.md").select_one("[data-vault-graph='local']")
    assert panel["data-note"] == "concepts/Softmax.md"
    open_link = build.soup("concepts/Softmax.md").select_one("a.vault-graph-open")
    assert open_link["href"] == "../../graph/"
    assert build.soup("Loner.md").select_one("[data-vault-graph]") is None


def test_the_library_ships_with_the_site_and_its_licence(build):
    assets = build.site / "assets/mkdocs_vault"
    assert (assets / "graph/force-graph.min.js").stat().st_size > 100_000
    assert "MIT License" in (assets / "graph/LICENSE").read_text(encoding="utf-8")
    page = build.page_path("index.md").read_text(encoding="utf-8")
    assert "assets/mkdocs_vault/vault-graph.js" in page
    assert "//cdn" not in page and "unpkg" not in page


def test_a_note_at_the_graph_page_path_wins_with_a_warning(tmp_path):
    notes = {**NOTES, "graph.md": "# My graph note\n"}
    build = build_vault(tmp_path, notes, theme="material")
    assert any("graph_page 'graph.md' is a note of the vault" in w for w in build.warnings)
    assert "My graph note" in build.html("graph.md")


def test_the_graph_can_be_turned_off(tmp_path):
    build = build_vault(tmp_path, NOTES, theme="material", plugins=[{"vault": {"graph": False}}])
    assert not (build.site / "assets/mkdocs_vault/graph.json").exists()
    assert not (build.site / "graph").exists()
    assert build.soup("concepts/Softmax.md").select_one("[data-vault-graph]") is None


def test_the_build_writes_nothing_into_the_vault(tmp_path):
    vault = write_vault(tmp_path, NOTES)
    before = tree_digest(vault)
    build_vault(tmp_path, {}, theme="material")
    assert tree_digest(vault) == before
