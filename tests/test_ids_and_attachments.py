"""Ids that cannot break out or shadow the site's own, and attachments that cannot run.

`ids.safe_id` is applied in three places that must agree (the Markdown tree with the
table of contents, the sanitizer, the heading-id prediction), so the builds here check
that a link to a renamed heading still lands; `attachments.xml_script` decides which
SVGs stay images.
"""

from __future__ import annotations

import pytest
from browser import PageProblems, chromium, serve
from helpers import build_vault
from mkdocs_vault.anchors import AnchorMaker, strip_heading_markup
from mkdocs_vault.attachments import xml_script
from mkdocs_vault.ids import USER_PREFIX, safe_id
from mkdocs_vault.sanitize import sanitize_html

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


@pytest.mark.parametrize(
    ("raw", "published"),
    [
        ("heading", "heading"),
        ("fn:1", "fn:1"),
        ("^block-1", "^block-1"),
        ("größe-α", "größe-α"),
        ('x" onfocus="alert(1)', "x-onfocus-alert(1)"),
        ("a'b<c>d&e`f", "a-b-c-d-e-f"),
        ("tab\there", "tab-here"),
        ("__config", f"{USER_PREFIX}__config"),
        ("__search", f"{USER_PREFIX}__search"),
        ("mkdocsVaultGraph", f"{USER_PREFIX}mkdocsVaultGraph"),
        ("mkdocs-search-results", f"{USER_PREFIX}mkdocs-search-results"),
        ("__tabbed_1_2", "__tabbed_1_2"),  # pymdownx.tabbed's own, in content
        ("__codelineno-0-3", "__codelineno-0-3"),  # pymdownx.highlight's line anchors
        ('__"config', f"{USER_PREFIX}__-config"),
    ],
)
def test_an_id_is_published_without_markup_and_without_shadowing_the_sites_own(raw, published):
    assert safe_id(raw) == published
    assert safe_id(published) == published  # the tree, sanitizer and prediction may repeat it


def test_the_sanitizer_prefixes_shadowing_ids_and_what_refers_to_them():
    html = sanitize_html(
        '<div id="__config">{"search": "evil.js"}</div>'
        '<label for="__config">x</label><span aria-labelledby="a __drawer">y</span>'
        '<a name="mkdocsVaultGraph">z</a><p id="own-note-id">kept</p>'
        '<input id="__tabbed_1_1" name="__tabbed_1" type="radio">'
        '<div data-md-component="announce" data-kept="1">x</div>'
    )
    assert 'id="__config"' not in html
    assert f'<div id="{USER_PREFIX}__config">' in html
    assert f'for="{USER_PREFIX}__config"' in html
    assert f'aria-labelledby="a {USER_PREFIX}__drawer"' in html
    assert f'name="{USER_PREFIX}mkdocsVaultGraph"' in html
    assert 'id="own-note-id"' in html
    assert 'id="__tabbed_1_1" name="__tabbed_1"' in html
    assert '<div data-kept="1">x</div>' in html  # Material's component names are dropped


@pytest.mark.parametrize(
    ("heading", "explicit"),
    [
        ("Title {id='x\" y'}", 'x" y'),
        ('Title {id="plain"}', "plain"),
        ("Title {#a id=b}", "b"),  # attr_list assigns in order: the last id wins
        ("Title {.cls}", None),
    ],
)
def test_the_prediction_reads_ids_in_both_attr_list_forms(heading, explicit):
    assert strip_heading_markup(heading) == ("Title", explicit)


def test_the_predicted_ids_are_the_published_ones():
    maker = AnchorMaker()
    headings = ["`__init__`", "Title {id='x\" y'}", "Main content", "Plain"]
    assert maker.anchors(headings) == [
        f"{USER_PREFIX}__init__",
        "x-y",
        f"{USER_PREFIX}main-content",
        "plain",
    ]


def test_renamed_heading_ids_are_the_same_in_content_toc_and_links(tmp_path):
    build = build_vault(
        tmp_path,
        {
            "Home.md": "# Home\n\n[[Target#Data]] [[Target#Quoted]] [[Target#Main content]]\n",
            "Target.md": (
                "# Target\n\n## Data {#mkdocsVaultGraph}\n\n## Quoted {id='q\" onfocus=\"x'}\n\n"
                "## Main content\n"
            ),
        },
    )
    assert build.warnings == [
        "mkdocs_vault: vault/Target.md:5: heading id 'q\" onfocus=\"x' holds characters an id cannot carry;"
        " published as 'q-onfocus-x' (use letters, digits, - and _)"
    ]
    page = build.page_path("Target.md").read_text(encoding="utf-8")
    ids = {f"{USER_PREFIX}mkdocsVaultGraph", "q-onfocus-x", f"{USER_PREFIX}main-content"}
    for anchor in ids:
        assert f'id="{anchor}"' in page  # the heading
        assert f'href="#{anchor}"' in page  # the theme's table of contents and the permalink
    assert 'id="mkdocsVaultGraph"' not in page and 'onfocus="' not in page
    links = {a["href"] for a in build.soup("Home.md").select("a.vault-link")}
    assert links == {f"../Target/#{anchor}" for anchor in ids}


# -- attachments ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("<script>alert(1)</script>", "a <script> element"),
        ('<svg:script xmlns:svg="http://www.w3.org/2000/svg">x</svg:script>', "a <script> element"),
        ('<rect onclick="x()"/>', "an 'onclick' handler"),
        ('<a xlink:href="&#106;avascript:x()"><text>t</text></a>', "a script URL in 'href'"),
        ('<a href=" JAVA&#10;SCRIPT:x()">t</a>', "a script URL in 'href'"),
        ("<foreignObject><div>x</div></foreignObject>", "a <foreignobject> element"),
        ('<set attributeName="onclick" to="x()"/>', "an animation of the 'onclick' handler"),
        ("<rect", "not well-formed XML, so not checked"),
        ('<rect width="4" height="4"/><a href="https://example.org/">t</a>', None),
        ("<text>onload= is only text here</text>", None),
    ],
)
def test_an_svg_is_judged_by_what_it_would_run(body, found):
    assert xml_script(SVG.format(body).encode()) == found


def test_an_xml_stylesheet_or_entity_bomb_is_not_judged_safe():
    assert xml_script(b'<?xml-stylesheet href="x.xsl"?><svg/>') is not None
    bomb = (
        b'<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)
        )
        + b"]><svg><text>&i;</text></svg>"
    )
    assert xml_script(bomb) == "not well-formed XML, so not checked"


def test_active_attachments_are_published_as_text_and_linked_there(tmp_path):
    build = build_vault(
        tmp_path,
        {
            "Home.md": "# Home\n\n![[evil.svg]] ![[ok.svg]] [[page.html]] [[tool.js]] [[data.json]]\n",
            "evil.svg": SVG.format('<rect onload="x()"/>'),
            "ok.svg": SVG.format('<rect width="4" height="4"/>'),
            "page.html": "<script>x()</script>",
            "tool.js": "x()",
            "data.json": "{}",
        },
    )
    assert sorted(build.warnings) == [
        "mkdocs_vault: vault/Home.md:3: 'evil.svg' is embedded as a link, not an image: it"
        " would run script (remove its scripts and event handlers)",
        "mkdocs_vault: vault/evil.svg:1: attachment would run script in a reader's browser (an 'onload'"
        " handler); published as plain text 'evil.svg.txt' (remove its scripts, event"
        " handlers and foreignObject to show it as an image)",
        "mkdocs_vault: vault/page.html:1: attachment would run script in a reader's browser (an HTML"
        " document); published as plain text 'page.html.txt' (link a note instead, or"
        " rename it to .txt in the vault if its source is meant to be read)",
        "mkdocs_vault: vault/tool.js:1: attachment would run script in a reader's browser (a script);"
        " published as plain text 'tool.js.txt' (rename it to .txt in the vault if its"
        " source is meant to be read)",
    ]
    site = build.site
    for name in ("evil.svg", "page.html", "tool.js"):
        assert not (site / name).exists()
        assert (site / f"{name}.txt").read_bytes() == (tmp_path / "vault" / name).read_bytes()
    assert (site / "ok.svg").exists() and (site / "data.json").exists()
    # The theme's own scripts and ours are the site's: never touched.
    assert (site / "js" / "base.js").exists()
    assert (site / "assets/mkdocs_vault/vault-graph.js").exists()
    soup = build.soup("Home.md")
    assert [img["src"] for img in soup.select("img")] == ["../ok.svg"]
    hrefs = [a["href"] for a in soup.select("a.vault-link")]
    assert hrefs == ["../evil.svg.txt", "../page.html.txt", "../tool.js.txt", "../data.json"]


@pytest.mark.browser
def test_the_local_graph_draws_although_a_note_has_an_element_named_like_its_data(tmp_path):
    build = build_vault(
        tmp_path,
        {
            "Home.md": '# Home\n\n<span id="mkdocsVaultGraph">x</span> [[Other]]\n',
            "Other.md": "# Other\n",
        },
        theme="material",
        extra={"theme": {"name": "material", "font": False}},
    )
    assert build.warnings == []
    local = "[data-vault-graph='local']"
    with serve(build.site) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = PageProblems(page)
        page.goto(url + "/Home/", wait_until="networkidle")
        page.locator(local).scroll_into_view_if_needed()
        page.wait_for_selector(f"{local}[data-state='settled']", timeout=20_000)
        shown = page.evaluate(
            f'document.querySelector("{local}").vaultGraph.graphData().nodes.map((n) => n.id)'
        )
        assert sorted(shown) == ["Home.md", "Other.md"]
        assert problems.items == [], problems.items


def test_scripts_mkdocs_yml_names_and_trusted_vaults_keep_their_attachments(tmp_path):
    notes = {"Home.md": "# Home\n\n[[page.html]]\n", "page.html": "<p>x</p>", "js/extra.js": "x()"}
    build = build_vault(tmp_path / "named", notes, extra={"extra_javascript": ["js/extra.js"]})
    assert (build.site / "js/extra.js").read_text() == "x()"  # the site owner's script
    assert not (build.site / "page.html").exists()
    assert [w for w in build.warnings if "would run script" in w] == [
        "mkdocs_vault: vault/page.html:1: attachment would run script in a reader's browser (an"
        " HTML document); published as plain text 'page.html.txt' (link a note instead, or"
        " rename it to .txt in the vault if its source is meant to be read)"
    ]
    trusted = build_vault(tmp_path / "trusted", notes, plugins=({"vault": {"trust_html": True}},))
    assert trusted.warnings == []
    assert (trusted.site / "page.html").exists()
