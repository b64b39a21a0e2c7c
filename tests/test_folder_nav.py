"""`folder_nav`: a navigation of folders with index pages, for vaults too large to list note by note."""

from helpers import build_vault

NOTES = {
    "index.md": "# Home\n\n[[Alpha]]\n",
    "Loose note.md": "# Loose\n",
    "Topics/Alpha.md": "# Alpha\n\n[[Beta]]\n",
    "Topics/Deeper/Beta.md": "# Beta\n",
    "Papers/index.md": "# Papers we read\n\nOur own index page.\n",
    "Papers/Vaswani 2017.md": "# Vaswani\n",
    "Drafts/Secret.md": "---\npublish: false\n---\n# Secret\n",
}


def _build(tmp_path, **extra):
    plugins = [{"vault": {"folder_nav": True}}]
    return build_vault(tmp_path, NOTES, theme="material", plugins=plugins, extra=extra or None)


def test_nav_lists_folders_with_their_index_pages_not_every_note(tmp_path):
    build = _build(tmp_path)
    assert build.warnings == []
    nav_links = [
        a.get_text(strip=True)
        for a in __import__("bs4").BeautifulSoup(
            build.page_path("Topics/Alpha.md").read_text(encoding="utf-8"), "html.parser"
        ).select("nav.md-nav--primary a.md-nav__link")
    ]
    assert "Alpha" not in nav_links and "Beta" not in nav_links and "Loose" not in nav_links
    assert any("Topics" in text for text in nav_links)
    assert any("Papers" in text for text in nav_links)


def test_missing_folder_index_pages_are_generated_and_list_notes_and_subfolders(tmp_path):
    build = _build(tmp_path)
    topics = build.soup("Topics/index.md")
    links = {a.get_text(): a["href"] for a in topics.select("article a") if "headerlink" not in a.get("class", [])}
    assert links["Alpha"] == "Alpha/"
    assert links["Deeper/"] == "Deeper/"
    deeper = build.soup("Topics/Deeper/index.md")
    assert [a.get_text() for a in deeper.select("article li a")] == ["Beta"]
    assert not (tmp_path / "vault" / "Topics" / "index.md").exists()  # generated, never written


def test_a_folder_keeps_its_own_index_page_and_unpublished_notes_are_not_listed(tmp_path):
    build = _build(tmp_path)
    assert "Our own index page." in build.html("Papers/index.md")
    assert not (build.site / "Drafts" / "Secret").exists()


def test_an_explicit_nav_in_mkdocs_yml_is_left_alone(tmp_path):
    build = _build(tmp_path, nav=["index.md", "Topics/Alpha.md"])
    assert not (build.site / "Topics" / "index.html").exists()
