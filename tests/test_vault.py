"""Our own vault builds strictly, and the build leaves it untouched."""

from pathlib import Path

import pytest
from helpers import copy_project, run_build, tree_digest
from mkdocs.exceptions import Abort

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def vault_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    copy_project(root)
    before = tree_digest(root / "vault")
    build = run_build(root / "mkdocs.yml", strict=True)
    build.unchanged = tree_digest(root / "vault") == before
    return build


def test_vault_builds_strict_with_no_warnings(vault_build):
    assert vault_build.warnings == []
    assert (vault_build.site / "index.html").is_file()


def test_build_leaves_the_vault_byte_for_byte_unchanged(vault_build):
    assert vault_build.unchanged


def test_every_note_is_published_and_every_wikilink_became_a_link(vault_build):
    notes = sorted(p.relative_to(REPO / "vault").as_posix() for p in (REPO / "vault").rglob("*.md"))
    for note in notes:
        soup = vault_build.soup(note)
        assert not soup.select(".vault-link-broken"), note
        assert "[[" not in soup.get_text(), note


def test_strict_build_fails_on_a_broken_link(tmp_path):
    copy_project(tmp_path)
    (tmp_path / "vault" / "Broken.md").write_text("# Broken\n\nSee [[No such note]].\n", encoding="utf-8")
    with pytest.raises(Abort):
        run_build(tmp_path / "mkdocs.yml", strict=True)


def test_the_softmax_note_computes_its_figure_and_weights(vault_build):
    soup = vault_build.soup("concepts/Softmax.md")
    assert soup.select_one("figure.vault-figure img")["alt"].startswith("Softmax of the scores")
    first_row = soup.select("table.vault-matrix tbody tr")[0]
    assert first_row.th.get_text() == "τ = 0.5"
    cells = [td.get_text() for td in first_row.find_all("td")]
    assert cells == ["0.87", "0.12", "0.02"]  # the weights the prose quotes for τ = 0.5
