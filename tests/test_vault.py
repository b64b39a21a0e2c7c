"""Our own vault builds strictly, and the build leaves it untouched."""

from pathlib import Path

import pytest
from helpers import copy_project, run_build, tree_digest
from mkdocs.exceptions import Abort
from mkdocs_vault.execute.outputs import MANIFEST, read_manifest

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
        for code in soup.select("pre, code"):  # `np.array([[...]])` is code, not a link
            code.decompose()
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


# -- the course (issue 4) -----------------------------------------------------------------

import yaml  # noqa: E402
from mkdocs_vault.anchors import AnchorMaker  # noqa: E402
from mkdocs_vault.grammar import parse_target  # noqa: E402
from mkdocs_vault.index import VaultIndex  # noqa: E402
from mkdocs_vault.resolve import Resolver  # noqa: E402
from pymdownx.slugs import slugify  # noqa: E402

COURSE = [
    "Attention as soft lookup", "Queries, keys and values", "Score functions", "Softmax",
    "Scaled dot-product attention", "Self-attention", "Multi-head attention", "Masked attention",
    "Cross-attention", "Positional encoding", "Transformer", "Word embeddings", "One-hot encoding",
    "Similarity and distance metrics", "Model training", "Attention in a trained model",
]
# Links the owner's notes (../shared/seed-notes) left dangling: the course must answer them.
SEED_LINKS = [
    "softmax", "Positional Encoding", "Multi-Head-Attention", "Word embeddings",
    "One Hot Encoding", "Distance Metrics", "Model Training", "Attention is All You Need! (2017)",
]
NOTES = sorted((REPO / "vault").rglob("*.md"))


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path.name}: no front matter"
    return yaml.safe_load(text.split("---\n", 2)[1]) or {}


def test_every_concept_of_the_course_is_a_note_of_its_own():
    names = {p.stem for p in (REPO / "vault" / "concepts").glob("*.md")}
    assert [c for c in COURSE if c not in names] == []


@pytest.mark.parametrize("path", NOTES, ids=lambda p: p.stem)
def test_every_note_has_aliases_and_tags_and_one_title(path):
    meta = _front_matter(path)
    assert isinstance(meta.get("aliases"), list) and meta["aliases"], "aliases"
    assert isinstance(meta.get("tags"), list) and all(t.startswith("attention/") for t in meta["tags"])
    if path.name != "index.md":
        body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        titles, in_code = [], False
        for line in body.splitlines():
            if line.startswith("```"):
                in_code = not in_code
            elif line.startswith("# ") and not in_code:  # a Python comment is not a title
                titles.append(line)
        assert titles == [f"# {path.stem}"]


@pytest.mark.parametrize("link", SEED_LINKS)
def test_the_links_the_seed_notes_left_dangling_now_reach_a_note(link):
    index = VaultIndex(AnchorMaker(slugify(case="lower"), "-"))
    for path in NOTES:
        index.add_note(path.relative_to(REPO / "vault").as_posix(), path.read_text(encoding="utf-8"))
    resolution = Resolver(index).resolve(parse_target(link), index.notes["index.md"])
    assert resolution.found, link


def test_the_vault_holds_notes_only_no_pasted_images():
    # The one exception: figures `python -m mkdocs_vault render` wrote (its manifest lists them).
    outputs = REPO / "vault" / "_outputs"
    generated = {outputs / name for name in [*read_manifest(outputs), MANIFEST]}
    files = [p for p in (REPO / "vault").rglob("*") if p.is_file() and ".obsidian" not in p.parts]
    assert [p.name for p in files if p.suffix != ".md" and p not in generated] == []


def test_the_course_computes_its_figures_and_no_block_fails(vault_build):
    figures, tables = 0, 0
    for page in vault_build.site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "vault-error" not in html and "vault-not-executed" not in html, page
        figures += html.count('<figure class="vault-figure">')
        tables += html.count('class="vault-matrix')
    assert figures >= 15
    assert tables >= 10


def test_the_strict_build_ran_every_block_of_the_course_itself(vault_build):
    blocks = sum(p.read_text(encoding="utf-8").count("```python exec") for p in NOTES)
    session = vault_build.config.plugins["vault"].session
    assert blocks >= 40
    assert (session.executed_blocks, session.cached_blocks) == (blocks, 0)  # fresh copy, no cache


def test_every_course_note_computes_at_least_one_output(vault_build):
    for name in COURSE:
        html = vault_build.html(f"concepts/{name}.md")
        assert 'class="vault-exec"' in html, name
