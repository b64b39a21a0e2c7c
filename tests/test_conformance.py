"""Golden HTML for every Obsidian form in the conformance vault (tests/fixtures/conformance)."""

import re
import shutil
from pathlib import Path

import pytest
from helpers import Build, run_build, tree_digest, write_config

FIXTURE = Path(__file__).parent / "fixtures" / "conformance"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Build:
    root = tmp_path_factory.mktemp("conformance")
    shutil.copytree(FIXTURE, root / "vault")
    before = tree_digest(root / "vault")
    build = run_build(write_config(root))
    build.vault_unchanged = tree_digest(root / "vault") == before
    return build


def _item(build: Build, label: str) -> str:
    for li in build.soup("index.md").find_all("li"):
        if li.get_text().startswith(label + ":"):
            return str(li)
    raise AssertionError(f"no list item {label!r}")


LINKS = {
    "plain": '<a class="vault-link" href="Target/">Target</a>',
    "lowercase": '<a class="vault-link" href="Target/">target</a>',
    "alias": '<a class="vault-link" href="Target/">the target note</a>',
    "padded": '<a class="vault-link" href="Target/">Target</a>',
    "with extension": '<a class="vault-link" href="Target/">Target.md</a>',
    "heading": '<a class="vault-link" href="Target/#second-section">Target &gt; Second section</a>',
    "heading, other case": '<a class="vault-link" href="Target/#second-section">Target &gt; SECOND SECTION</a>',
    "duplicate heading": '<a class="vault-link" href="Target/#child">Target &gt; Repeated &gt; Child</a>',
    "nested path": '<a class="vault-link" href="Target/#sub-of-second">Target &gt; Second section &gt; Sub of second</a>',
    "block": '<a class="vault-link" href="Target/#^key-block">Target &gt; ^key-block</a>',
    "list block": '<a class="vault-link" href="Target/#^list-block">Target &gt; ^list-block</a>',
    "own-line block": '<a class="vault-link" href="Target/#^table-block">Target &gt; ^table-block</a>',
    "folder path": '<a class="vault-link" href="concepts/Deep%20note/">concepts/Deep note</a>',
    "unique anywhere": '<a class="vault-link" href="concepts/Deep%20note/">Deep note</a>',
    "punctuation": '<a class="vault-link" href="Attention%20is%20All%20You%20Need%21%20%282017%29/">Attention is All You Need! (2017)</a>',
    "cyrillic": '<a class="vault-link" href="%D0%92%D0%BD%D0%B8%D0%BC%D0%B0%D0%BD%D0%B8%D0%B5/">Внимание</a> and <a class="vault-link" href="%D0%92%D0%BD%D0%B8%D0%BC%D0%B0%D0%BD%D0%B8%D0%B5/#механизм-внимания">внимание &gt; Механизм внимания</a>',
    "front-matter alias": '<a class="vault-link" href="Target/">Transformers</a>',
    "attachment": '<a class="vault-link" href="assets/paper.pdf">paper.pdf</a>',
    "same note": '<a class="vault-link" href="#tables">Tables</a>',
    "html in alias": '<a class="vault-link" href="Target/">&lt;img src=x onerror=alert(1)&gt;</a>',
    "suffix path": '<a class="vault-link" href="people/a/Person/">a/Person</a>',
    "ambiguous": '<a class="vault-link" href="people/a/Person/">Person</a>',
    "markdown link": '<a href="concepts/Deep%20note/">percent</a>',
    "markdown link, angle brackets": '<a href="concepts/Deep%20note/">angle</a>',
    "markdown link by name only": '<a href="concepts/Deep%20note/">by name</a>',
    "broken": '<span class="vault-link vault-link-broken" title="note \'Missing note\' not found">Missing note</span>',
    "typo": '<span class="vault-link vault-link-broken" title="note \'Targte\' not found">Targte</span>',
    "bad heading": '<a class="vault-link" href="Target/">Target &gt; No such heading</a>',
    "bad block": '<a class="vault-link" href="Target/">Target &gt; ^nope</a>',
}


@pytest.mark.parametrize(("label", "html"), LINKS.items(), ids=list(LINKS))
def test_link_renders_like_obsidian(site, label, html):
    assert _item(site, label) == f"<li>{label}: {html}</li>"


WARNINGS = [
    "vault/index.md:29: ambiguous link 'Person' matches 2 files: people/a/Person.md, people/b/Person.md; using 'people/a/Person.md' (add a folder to the link, e.g. [[people/a/Person]])",
    "vault/index.md:33: note 'Missing note' not found (create the note or fix the name)",
    "vault/index.md:34: note 'Targte' not found (did you mean [[Target]]?)",
    "vault/index.md:35: heading '#No such heading' not found in 'Target.md' (check the heading text)",
    "vault/index.md:36: block '^nope' not found in 'Target.md' (add ' ^nope' after the block)",
    "vault/index.md:84: attachment 'missing picture.png' not found (create the attachment or fix the name)",
]


@pytest.mark.parametrize("expected", WARNINGS)
def test_every_problem_is_a_warning_with_file_and_line(site, expected):
    assert any(w.endswith(expected) for w in site.warnings), site.warnings


def test_cyclic_embed_is_reported_on_the_embedding_line(site):
    cycles = [w for w in site.warnings if "cyclic embed" in w]
    assert any("vault/Loop B.md:3: cyclic embed:" in w for w in cycles)
    assert any("vault/Loop A.md:3: cyclic embed:" in w for w in cycles)


def test_links_inside_comments_and_code_are_never_reported(site):
    text = "\n".join(site.warnings)
    assert "Missing in comment" not in text
    assert "Another missing" not in text
    assert len(site.warnings) == len(WARNINGS) + 3 + 2  # + the cycle seen from three pages, 2 md links


def test_table_cell_escaped_pipe_is_an_alias(site):
    cell = site.soup("index.md").find("td")
    assert str(cell) == '<td><a class="vault-link" href="Target/">table alias</a></td>'


def test_code_spans_fences_and_indented_code_stay_literal(site):
    soup = site.soup("index.md")
    codes = [code.get_text() for code in soup.find_all("code")]
    assert "[[Target]]" in codes and "![[Target]]" in codes
    assert "[[Target]] ![[Target]] %%not a comment%%\n" in codes
    assert "[[Target]] in indented code\n" in codes


def test_comments_are_removed_inline_and_across_blocks(site):
    html = site.html("index.md")
    assert "Visible  text." in html
    assert "hidden" not in html and "multi-line comment" not in html and "spans blocks" not in html
    assert "After the comment." in html


def test_block_ids_are_hidden_and_become_anchors(site):
    soup = site.soup("Target.md")
    paragraph = soup.find(id="^key-block")
    assert paragraph.name == "p" and paragraph.get_text() == "A key paragraph that others point at."
    assert soup.find(id="^list-block").name == "li"
    assert soup.find(id="^table-block").name == "table"
    soup.select_one("section.vault-backlinks").decompose()  # quotes links: `Target > ^id`
    assert "^" not in soup.get_text().replace("^key-block", "")


def test_duplicate_headings_get_the_ids_toc_gives_them(site):
    ids = [h["id"] for h in site.soup("Target.md").find_all(["h2", "h3"])]
    assert ids == ["second-section", "sub-of-second", "repeated", "child", "repeated_1", "child_1", "third"]


IMAGES = [
    '<img alt="Pasted image 20231130104126.png" class="vault-embed" src="assets/Pasted%20image%2020231130104126.png"/>',
    '<img alt="Pasted image 20231130104126.png" class="vault-embed" src="assets/Pasted%20image%2020231130104126.png" width="300"/>',
    '<img alt="Pasted image 20231130104126.png" class="vault-embed" height="200" src="assets/Pasted%20image%2020231130104126.png" width="300"/>',
    '<img alt="diagram.png" class="vault-embed right" src="deep/er/est/diagram.png"/>',
]


@pytest.mark.parametrize("image", IMAGES)
def test_image_embeds_with_sizes_fragments_and_spaces(site, image):
    assert image in site.html("index.md")
    assert (site.site / "deep/er/est/diagram.png").is_file()


def _embeds(build: Build):
    return build.soup("index.md").find_all("div", class_="vault-embed-note", recursive=True)


def test_section_transclusion_takes_subsections_and_stops_at_same_level(site):
    section = next(e for e in _embeds(site) if "Second section" in e.find("a").get_text())
    text = section.get_text()
    assert "A key paragraph" in text and "Text of the sub-section" in text
    assert "Repeated" not in text and "Intro paragraph" not in text
    # a link inside the transcluded text works from the page that shows it
    assert section.find("a", string="Deep note")["href"] == "concepts/Deep%20note/"


def test_block_transclusion_shows_only_the_block_without_its_marker(site):
    block = next(e for e in _embeds(site) if "^key-block" in e.find("a").get_text())
    assert [p.get_text() for p in block.find_all("p")] == ["A key paragraph that others point at."]


def test_note_transclusion_drops_front_matter_and_rebases_links(site):
    whole = next(e for e in _embeds(site) if e["data-embed"] == "Embedded whole.md")
    assert "tags" not in whole.get_text()
    assert whole.find("a", class_="vault-link")["href"] == "Target/#third"
    assert whole.find("img")["src"] == "deep/er/est/diagram.png"


def test_cyclic_embed_renders_a_marked_error_not_an_endless_page(site):
    html = site.html("index.md")
    assert "Cyclic embed of Loop A" in html
    assert html.count('data-embed="Loop A.md"') == 1


def test_build_never_writes_into_the_vault(site):
    assert site.vault_unchanged


def test_every_rendered_heading_anchor_matches_the_index_prediction(site):
    """The ids links point at are the ids the pages really carry."""
    for href in re.findall(r'href="([^"]*#[^"]+)"', site.html("index.md")):
        path, anchor = href.split("#", 1)
        if not path:
            continue
        from urllib.parse import unquote

        page = site.site / unquote(path) / "index.html"
        assert f'id="{anchor}"' in page.read_text(encoding="utf-8"), href


MARKDOWN_LINKS = {
    "md heading text": '<a href="Target/#second-section">to second</a>',
    "md block": '<a href="Target/#^key-block">to block</a>',
    "md image by name": '<img alt="diagram" src="deep/er/est/diagram.png"/>',
    "md broken": '<span class="vault-link vault-link-broken" title="note \'Nowhere note.md\' not found">gone</span>',
    "md broken image": '<span class="vault-link vault-link-broken vault-embed-broken" title="attachment \'lost.png\' not found">lost</span>',
}


@pytest.mark.parametrize(("label", "html"), MARKDOWN_LINKS.items(), ids=list(MARKDOWN_LINKS))
def test_markdown_links_resolve_like_obsidian_and_broken_ones_are_marked(site, label, html):
    assert _item(site, label) == f"<li>{label}: {html}</li>"


@pytest.mark.parametrize(
    "expected",
    [
        "vault/index.md:91: note 'Nowhere note.md' not found (create the note or fix the name)",
        "vault/index.md:92: attachment 'lost.png' not found (create the attachment or fix the name)",
    ],
)
def test_broken_markdown_links_are_reported_with_their_line(site, expected):
    assert any(w.endswith(expected) for w in site.warnings), site.warnings
