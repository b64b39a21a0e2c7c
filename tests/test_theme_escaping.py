"""Titles, names and front matter reach the theme escaped once (`theme_escape.py`).

A reader must read exactly what the note says (`R&D <notes>`, quotes, backslashes) in
every place a title shows, and nothing a note says may become markup: the navigation,
`<title>`, `<meta>`, search results, the tags index, backlinks and the graph.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from bs4 import BeautifulSoup
from helpers import build_vault
from markupsafe import Markup
from mkdocs_vault.backlinks import context_html
from mkdocs_vault.html_escape import escape_attribute
from mkdocs_vault.scan import parse_front_matter
from mkdocs_vault.theme_escape import escaped_value, safe_striptags

# A title with every character HTML gives a meaning to, and a backslash (JSON's).
TITLE = "R&D <notes> \"q\" 'a' \\ back"
DESCRIPTION = '"> d & <x>'
SUBTITLE = "s & <sub>"
STATUS = 'new" x'
HEADING = "R&D <h1> & Tom"  # `# R&amp;D &lt;h1&gt; & Tom`: entities and a bare `&`
FILE = "R&D <file> 'f'"
FOLDER = "R&D <dir>"


def _front(**values) -> str:
    lines = [f"{key}: {json.dumps(value)}" for key, value in values.items()]
    return "---\n" + "\n".join(lines) + "\ntags: [zebra]\n---\n\ntext [[Home]]\n"


NOTES = {
    "Home.md": f"# Home\n\nSee [[Target]], [[Heading]], [[{FILE}]] and #zebra.\n",
    "Target.md": _front(title=TITLE, description=DESCRIPTION, subtitle=SUBTITLE, status=STATUS),
    "Heading.md": "# R&amp;D &lt;h1&gt; & Tom\n\nA &lt;b&gt; &amp; \\*x\\* [[Target]] `&lt;c&gt;` \\\\.\n",
    f"{FILE}.md": "text [[Target]]\n",
    f"{FOLDER}/Inner.md": "text\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("theme-escaping")
    theme = {"name": "material", "features": ["navigation.instant", "navigation.footer"]}
    build = build_vault(
        root, NOTES, theme="material", plugins=["vault", "search", {"tags": {}}], extra={"theme": theme}
    )
    assert build.warnings == []
    return build


def _page(site, src_uri: str) -> BeautifulSoup:
    return BeautifulSoup(site.page_path(src_uri).read_text(encoding="utf-8"), "html.parser")


def test_nav_shows_titles_file_and_folder_names_exactly(site):
    nav = _page(site, "Home.md").select("nav.md-nav--primary .md-ellipsis")
    shown = [item.find(string=True, recursive=False).strip() for item in nav]
    assert {TITLE, HEADING, FILE, FOLDER} <= set(shown)
    assert not _page(site, "Home.md").select("nav.md-nav--primary .md-ellipsis img, nav notes")


@pytest.mark.parametrize(("src_uri", "title"), [("Target.md", TITLE), ("Heading.md", HEADING)])
def test_the_browser_title_reads_exactly_the_title(site, src_uri, title):
    assert _page(site, src_uri).title.string == f"{title} - Test vault"


def test_footer_labels_escaped_by_the_theme_itself_are_not_escaped_twice(site):
    footer = _page(site, "Home.md").select("a.md-footer__link")
    labels = {link["aria-label"].split(": ", 1)[1] for link in footer}
    titles = {link.select_one(".md-ellipsis").get_text(strip=True) for link in footer}
    assert labels == titles and labels & {TITLE, HEADING, FILE, FOLDER, "Inner"}


def test_description_stays_inside_its_meta_attribute(site):
    head = _page(site, "Target.md").head
    assert head.find("meta", attrs={"name": "description"})["content"] == DESCRIPTION
    assert len(head.find_all("meta", attrs={"name": "description"})) == 1


def test_subtitle_and_status_are_text_and_one_class_attribute(site):
    nav = _page(site, "Home.md").select_one("nav.md-nav--primary")
    assert SUBTITLE in [small.get_text() for small in nav.find_all("small")]
    status = nav.select("span.md-status")
    assert [span["class"] for span in status] == [["md-status", 'md-status--new"', "x"]]
    assert not nav.find_all(attrs={"x": True})


def test_search_results_render_the_title_as_text(site):
    index = json.loads((site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {BeautifulSoup(doc["title"], "html.parser").get_text() for doc in index["docs"]}
    assert {TITLE, HEADING, FILE} <= titles
    assert not any("<" in doc["title"] for doc in index["docs"])


def test_the_tags_index_lists_the_title_as_text(site):
    listing = _page(site, "tags.md").select("article li a")
    assert TITLE in [a.get_text(strip=True) for a in listing]


def test_backlinks_name_linking_notes_exactly_once_escaped(site):
    notes = [a.get_text() for a in _page(site, "Target.md").select(".vault-backlink-note")]
    assert sorted(notes) == sorted(["Home", HEADING, FILE])


def test_a_backlink_context_reads_as_the_linking_page_does(site):
    contexts = [a.get_text() for a in _page(site, "Target.md").select(".vault-backlink-context")]
    page = _page(site, "Heading.md").select_one("article p").get_text()
    assert page == "A <b> & *x* Target &lt;c&gt; \\."  # entities and \ read, code as written
    assert page in contexts


def test_graph_labels_are_the_titles_as_text(site):
    graph = json.loads(
        (site.site / "assets/mkdocs_vault/graph.json").read_text(encoding="utf-8")
    )
    assert {TITLE, HEADING, FILE, "Home"} <= {node["title"] for node in graph["nodes"]}


def test_plain_mkdocs_theme_escapes_titles_sections_and_printed_properties(tmp_path):
    notes = {
        "Home.md": "# Home\n\ntext\n",
        "Note.md": f"---\ntitle: {json.dumps(TITLE)}\nsource: [{json.dumps('<i>s</i> & x')}]\n---\n\nx\n",
        f"{FOLDER}/Inner.md": "text\n",
    }
    build = build_vault(tmp_path, notes)
    soup = BeautifulSoup(build.page_path("Note.md").read_text(encoding="utf-8"), "html.parser")
    assert soup.title.string == f"{TITLE} - Test vault"
    assert [s.get_text() for s in soup.select(".source-links .label")] == ["<i>s</i> & x"]
    assert {TITLE, FOLDER} <= {a.get_text(strip=True) for a in soup.select(".navbar a")}
    assert not soup.select(".source-links i")


# -- the pieces -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [TITLE, "a&amp;b", "</title><img src=x onerror=alert(1)>", '"><svg onload=x>', "C:\\dir\\", ""],
)
def test_theme_values_read_back_exactly_and_open_no_tag_or_attribute(text):
    escaped = escape_attribute(text)
    assert BeautifulSoup(f'<p title="{escaped}">{escaped}</p>', "html.parser").p.get_text() == text
    assert BeautifulSoup(f'<p title="{escaped}">x</p>', "html.parser").p["title"] == text
    assert not {"<", ">", '"', "'"} & set(escaped)


def test_front_matter_values_are_escaped_through_lists_and_mappings():
    value = {"a": ["<b>", 3, {"c": "x & y"}], "d": True, '"><i>': date(2020, 1, 2)}
    assert escaped_value(value) == {
        "a": ["&lt;b&gt;", 3, {"c": "x &amp; y"}],
        "d": True,
        "&#34;&gt;&lt;i&gt;": date(2020, 1, 2),
    }


def test_a_binary_front_matter_value_is_printed_as_escaped_text():
    meta, error = parse_front_matter("d: !!binary PGk+eDwvaT4=")  # b"<i>x</i>"
    assert error is None and meta["d"] == b"<i>x</i>"
    assert escaped_value(meta["d"]) == "b&#39;&lt;i&gt;x&lt;/i&gt;&#39;"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (escape_attribute("</title><img src=x onerror=alert(1)>"), "&lt;/title&gt;&lt;img src=x onerror=alert(1)&gt;"),
        ("<code>a &lt; b</code> &amp; c", "a &lt; b &amp; c"),
    ],
)
def test_striptags_keeps_the_text_escaped(value, shown):
    assert safe_striptags(value) == Markup(shown)
    assert str(Markup.escape(safe_striptags(value))) == shown  # a following `| e` changes nothing


def test_context_reads_entities_as_the_page_does_but_not_in_code():
    html = context_html("R&amp;D &lt;b&gt; & `&lt;c&gt;` [[T|x &amp; y]]", {"[[T|x &amp; y]]"})
    assert html == 'R&amp;D &lt;b&gt; &amp; &amp;lt;c&amp;gt; <span class="vault-mention">x &amp; y</span>'


def test_a_nav_written_in_mkdocs_yml_is_printed_as_its_author_wrote_it(tmp_path):
    notes = {"Home.md": "# Home\n\nsee [[Note]]\n", "Note.md": _front(title=TITLE)}
    nav = [{"Start <b>here</b> &amp; now": "Home.md"}, {"Section <i>s</i>": ["Note.md"]}]
    build = build_vault(tmp_path, notes, extra={"nav": nav})
    soup = BeautifulSoup(build.page_path("Note.md").read_text(encoding="utf-8"), "html.parser")
    navbar = soup.select_one(".navbar")
    assert [b.get_text() for b in navbar.find_all("b")] == ["here"]
    assert [i.get_text() for i in navbar.find_all("i", class_=False)] == ["s"]
    assert "Start here & now" in [a.get_text() for a in navbar.find_all("a")]
    assert TITLE in [a.get_text(strip=True) for a in navbar.find_all("a")]  # the note's own title
    backlink = soup.select_one(".vault-backlink-note")
    assert backlink.get_text() == "Start here & now" and not backlink.find("b")
