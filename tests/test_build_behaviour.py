"""Whole-build behaviour: unpublished notes, embed depth, paths leaving the vault, strict mode."""

import pytest
from helpers import build_vault, run_build, tree_digest, write_config, write_vault
from mkdocs.exceptions import Abort


def test_unpublished_note_is_left_out_and_links_to_it_are_reported(tmp_path):
    build = build_vault(
        tmp_path,
        {
            "Draft.md": "---\npublish: false\n---\n# Draft\n",
            "Home.md": "# Home\n\nSee [[Draft]].\n",
        },
    )
    assert not (build.site / "Draft").exists()
    assert build.soup("Home.md").find("span", class_="vault-link-broken").get_text() == "Draft"
    assert any("vault/Home.md:3: 'Draft' links to 'Draft.md', which is not published" in w for w in build.warnings)


def test_embed_chain_deeper_than_the_limit_is_cut_and_reported(tmp_path):
    notes = {f"N{i}.md": f"level {i}\n\n![[N{i + 1}]]\n" for i in range(5)}
    notes["N5.md"] = "bottom\n"
    build = build_vault(tmp_path, notes, extra={"plugins": [{"vault": {"max_embed_depth": 2}}]})
    assert any("vault/N2.md:3: embed depth exceeds 2" in w for w in build.warnings), build.warnings
    assert "Embed too deep" in build.html("N0.md")


@pytest.mark.parametrize(
    "link",
    ["![[../outside.png]]", "[[../../etc/passwd]]", "![[/etc/passwd]]", "![[../secret]]"],
)
def test_paths_leaving_the_vault_are_not_followed(tmp_path, link):
    (tmp_path / "outside.png").write_bytes(b"\x89PNG not really")
    (tmp_path / "secret.md").write_text("# secret\nTOP SECRET\n", encoding="utf-8")
    build = build_vault(tmp_path, {"Home.md": f"# Home\n\n{link}\n"})
    assert any(w.startswith("mkdocs_vault: vault/Home.md:3:") for w in build.warnings), build.warnings
    assert "TOP SECRET" not in build.html("Home.md")
    assert not list(build.site.rglob("outside.png"))


def test_note_embedded_in_the_middle_of_a_sentence_is_transcluded(tmp_path):
    build = build_vault(
        tmp_path,
        {"Part.md": "inner text ^blk\n", "Home.md": "# Home\n\nBefore ![[Part#^blk]] after.\n"},
    )
    html = build.html("Home.md")
    assert "inner text" in html and "Before" in html and "after." in html


def test_non_strict_build_finishes_and_strict_build_fails_on_the_same_vault(tmp_path):
    notes = {"Home.md": "# Home\n\n[[Nowhere]] and ![[nothing.png]]\n"}
    write_vault(tmp_path, notes)
    config = write_config(tmp_path)
    before = tree_digest(tmp_path / "vault")
    build = run_build(config)
    assert len(build.warnings) == 2
    assert len(build.soup("Home.md").select(".vault-link-broken")) == 2
    with pytest.raises(Abort):
        run_build(config, strict=True)
    assert tree_digest(tmp_path / "vault") == before


def test_invalid_front_matter_is_reported_with_its_file(tmp_path):
    build = build_vault(tmp_path, {"Bad.md": "---\naliases: [unclosed\n---\n# Bad\n"})
    assert any(w.startswith("mkdocs_vault: vault/Bad.md:1: invalid YAML front matter") for w in build.warnings)


def test_hash_without_space_is_a_tag_not_a_heading(tmp_path):
    build = build_vault(tmp_path, {"Home.md": "#tag at line start\n\n# Real heading\n"})
    soup = build.soup("Home.md")
    assert [h.get_text().strip("¶") for h in soup.find_all("h1")] == ["Real heading"]
    assert "#tag at line start" in soup.get_text()


def test_rebuild_in_the_same_process_rescans_only_changed_notes(tmp_path, monkeypatch):
    """mkdocs serve keeps the plugin between rebuilds: unchanged notes are not re-scanned."""
    import os

    import mkdocs_vault.vault_files as vault_files  # where notes are scanned
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    write_vault(tmp_path, {"A.md": "# A\n\n[[B]]\n", "B.md": "# B\n\n## Old\n"})
    config = load_config(str(write_config(tmp_path)))
    scanned = []
    real_scan = vault_files.scan_note
    monkeypatch.setattr(vault_files, "scan_note", lambda text: scanned.append(text) or real_scan(text))
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        build(config)
        assert len(scanned) == 2
        (tmp_path / "vault" / "B.md").write_text("# B\n\n## New heading\n", encoding="utf-8")
        (tmp_path / "vault" / "A.md").touch()  # same size, new mtime: rescanned too
        scanned.clear()
        build(config)
        assert len(scanned) == 2
        scanned.clear()
        (tmp_path / "vault" / "B.md").write_text("# B\n\n## Newer heading!\n", encoding="utf-8")
        build(config)
        assert scanned == ["# B\n\n## Newer heading!\n"]
    finally:
        os.chdir(cwd)
    assert "newer-heading" in (tmp_path / "site" / "B" / "index.html").read_text(encoding="utf-8")


def test_embed_line_inside_a_paragraph_splits_it_around_the_transclusion(tmp_path):
    build = build_vault(
        tmp_path,
        {"Part.md": "# Part\n\n## Piece\n\nThe piece.\n", "Home.md": "Line before\n![[Part#Piece]]\nLine after\n"},
    )
    soup = build.soup("Home.md")
    paragraphs = [p.get_text() for p in soup.find_all("p", recursive=True)]
    assert paragraphs[0] == "Line before"
    assert "The piece." in paragraphs
    assert paragraphs[-1] == "Line after"
    embed = soup.find("div", class_="vault-embed-note")
    assert embed.find_previous("p").get_text() == "Line before"


def test_same_note_section_embed_of_itself_is_a_reported_cycle(tmp_path):
    build = build_vault(tmp_path, {"Self.md": "# Self\n\n## Loop\n\n![[#Loop]]\n"})
    assert any("vault/Self.md:5: cyclic embed" in w for w in build.warnings), build.warnings
