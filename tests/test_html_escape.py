"""One pair of escapers for all HTML the plugin writes by hand (`html_escape.py`).

Text in an element keeps its quotes; an attribute value escapes them too. Everything
else each former escaper did (`render._attr`/`_text`, `html.escape`, MarkupSafe) comes
out byte for byte the same, and the graph panel's attributes, whose own escaper left
`>`, now read back exactly.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape
from mkdocs_vault.graph import local_graph_html
from mkdocs_vault.html_escape import attributes_html, escape_attribute, escape_text
from mkdocs_vault.media import AUDIO, PDF, MediaOptions, media_html
from mkdocs_vault.raw_html import _start_tag

HOSTILE = [
    'a">b<c\'d&e',
    "</title><img src=x onerror=alert(1)>",
    "R&amp;D > x",
    "",
    "Ünïcode — ✓ \\ back",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_and_attribute_values_read_back_exactly(text):
    content, attribute = escape_text(text), escape_attribute(text)
    soup = BeautifulSoup(f"<p title=\"{attribute}\" data-x='{attribute}'>{content}</p>", "html.parser")
    assert soup.p.get_text() == text
    assert soup.p["title"] == text and soup.p["data-x"] == text
    assert not {"<", ">"} & set(content)
    assert not {"<", ">", '"', "'"} & set(attribute)


@given(st.text())
def test_the_pair_writes_what_each_former_escaper_wrote(text):
    # Element content: `html.escape(quote=False)`, which is what `render._text` wrote.
    assert escape_text(text) == html.escape(text, quote=False)
    # Attribute values: MarkupSafe, which the theme, backlinks and media used.
    assert escape_attribute(text) == escape(text)
    # Without quotes, every former escaper (`html.escape`, `render._attr`, MarkupSafe)
    # wrote the same bytes as both of these.
    plain = text.replace('"', "").replace("'", "")
    assert escape_text(plain) == escape_attribute(plain) == html.escape(plain)


def test_html_already_marked_safe_is_not_escaped_twice():
    assert escape_text(Markup("<b>x</b>")) == "<b>x</b>"
    assert escape_attribute(escape_attribute("<")) == "&lt;"


def test_the_local_graph_panel_escapes_every_attribute_character():
    # graph.py's own `_attr` left `>` (and `'`) as written in `data-note` and `href`.
    note = SimpleNamespace(src_uri="a>b<c\"d'e&f.md")
    panel = local_graph_html(note, "graph/?n=a>b&m='x'")
    soup = BeautifulSoup(panel, "html.parser")
    assert soup.select_one("[data-note]")["data-note"] == note.src_uri
    assert soup.select_one("a.vault-graph-open")["href"] == "graph/?n=a>b&m='x'"
    assert 'data-note="a&gt;b&lt;c&#34;d&#39;e&amp;f.md"' in panel


def test_attributes_are_written_once_for_media_players_and_raw_html():
    pairs = [("src", 'x".png'), ("controls", None), ("title", "<t>")]
    assert attributes_html(pairs) == ' src="x&#34;.png" controls title="&lt;t&gt;"'
    assert _start_tag("img", pairs, closed=True) == f"<img{attributes_html(pairs)} />"
    player = media_html(AUDIO, "a b.mp3", 'Say "hi" <now>', MediaOptions())
    assert 'title="Say &#34;hi&#34; &lt;now&gt;"' in player
    viewer = media_html(PDF, "d.pdf", "d", MediaOptions(page=3, height=400))
    assert viewer == (
        '<iframe class="vault-embed vault-embed-pdf" src="d.pdf#page=3" title="d"'
        ' style="height: 400px"></iframe>'
    )
