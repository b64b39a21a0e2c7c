"""Hostile notes and snippets put no executable markup on the site; ordinary HTML stays.

A note's raw HTML is rendered as Obsidian renders it (tags and `style` kept; scripts,
event handlers and `javascript:` URLs removed), every text we generate from a note
(aliases, tags, callout titles, captions, printed output, link text) is escaped, and a
snippet's `_repr_html_` is sanitized unless its block says `#| html: trusted`.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from helpers import build_vault
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs_vault.execute.options import OptionError, block_options
from mkdocs_vault.sanitize import TrustedHtml, sanitize_html

_BAD_URL = re.compile(r"^\s*(javascript|vbscript|data:text/html)", re.IGNORECASE)


def executable_markup(soup: BeautifulSoup, allowed_scripts: set[str] = frozenset()) -> list[str]:
    """Every script, event handler and script URL in `soup`, except the listed scripts."""
    found = []
    for element in soup.find_all(True):
        if element.name == "script" and str(element) not in allowed_scripts:
            found.append(str(element)[:120])
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"<{element.name} {name}={value!r}>")
            if name.lower() in {"href", "src", "action", "formaction"} and _BAD_URL.match(value):
                found.append(f"<{element.name} {name}={value!r}>")
    return found


# -- the sanitizer on its own ------------------------------------------------------------

HOSTILE_FRAGMENTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><script>alert(2)</script></svg>",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href='java&#x09;script:alert(1)'>x</a>",
    "<a href='vbscript:msgbox(1)'>x</a>",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
    "<iframe src='javascript:alert(1)'></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<details open ontoggle=alert(1)><summary>s</summary></details>",
    "<div style='color:red' onmouseover='alert(1)'>x</div>",
    "<object data='javascript:alert(1)'></object><embed src='javascript:alert(1)'>",
    "<form action='javascript:alert(1)'><button formaction='javascript:alert(1)'>b</button></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'>",
    "<base href='javascript:alert(1)//'><meta http-equiv=refresh content='0;url=javascript:1'>",
]


@pytest.mark.parametrize("fragment", HOSTILE_FRAGMENTS)
def test_sanitizing_leaves_no_executable_markup(fragment):
    cleaned = sanitize_html(fragment)
    soup = BeautifulSoup(cleaned, "html.parser")
    assert executable_markup(soup) == []
    assert not soup.find_all(["iframe", "object", "embed", "form", "base", "meta", "style"])


_PIECES = st.sampled_from(
    [
        *HOSTILE_FRAGMENTS,
        "<b>",
        "</b>",
        "<div class='x'>",
        "</div>",
        "<p>",
        "text",
        "&lt;",
        "'",
        '"',
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=8).map("".join))
def test_no_mix_of_hostile_pieces_gets_through(html):
    assert executable_markup(BeautifulSoup(sanitize_html(html), "html.parser")) == []


# Obsidian's reading view keeps these; so must we (tag, attributes that must survive).
KEPT = [
    ("<details><summary>More</summary>hidden</details>", "summary", {}),
    ("<kbd>Ctrl</kbd> <mark>hi</mark> x<sup>2</sup> H<sub>2</sub>O", "kbd", {}),
    ("<span style='color: red'>red</span>", "span", {"style": "color: red"}),
    ("<div class='note wide' id='here' data-note='n'>d</div>", "div", {"id": "here"}),
    ("<img src='https://example.org/a.png' alt='a' width='30'>", "img", {"width": "30"}),
    ("<img src='../pics/a.png' alt='a'>", "img", {"src": "../pics/a.png"}),
    ("<a href='Other.md#top' title='t'>o</a>", "a", {"href": "Other.md#top"}),
    ("<a href='mailto:a@example.org'>m</a>", "a", {"href": "mailto:a@example.org"}),
    ("<table><tr><td colspan='2' style='--w:0.5'>1</td></tr></table>", "td", {"colspan": "2"}),
    ("<div aria-label='graph' data-vault-graph='local'></div>", "div", {"aria-label": "graph"}),
    ("<input type='radio' id='t1' name='tabs' checked><label for='t1'>A</label>", "label", {}),
]


@pytest.mark.parametrize(("fragment", "tag", "attributes"), KEPT)
def test_ordinary_html_survives_sanitizing(fragment, tag, attributes):
    soup = BeautifulSoup(sanitize_html(fragment), "html.parser")
    element = soup.find(tag)
    assert element is not None, sanitize_html(fragment)
    for name, value in attributes.items():
        assert element.get(name) == value
    assert soup.get_text() == BeautifulSoup(fragment, "html.parser").get_text()


def test_a_forged_trusted_token_smuggles_nothing():
    trusted = TrustedHtml()
    real = trusted.keep("<b>kept</b>")
    forged = re.sub(r"-[0-9a-f]{32}-", "-" + "0" * 32 + "-", real)
    assert trusted.restore(f"{real} {forged}") == f"<b>kept</b> {forged}"
    trusted.reset()  # a new build: last build's tokens mean nothing
    assert trusted.restore(real) == real


@pytest.mark.parametrize(
    ("line", "trusted"),
    [("", False), ("#| html: sanitized\n", False), ("#| html: trusted\n", True)],
)
def test_html_trust_is_a_block_option(line, trusted):
    options, _, _ = block_options("python exec", f"{line}x = 1")
    assert options.trusted_html is trusted


def test_an_unknown_html_trust_is_an_option_error():
    with pytest.raises(OptionError, match="html must be"):
        block_options("python exec", "#| html: maybe\nx = 1")


# -- a hostile vault, built with Material ------------------------------------------------

HOSTILE = """---
aliases: ["<script>alert('alias')</script>", "x\\" onmouseover=\\"alert(1)"]
tags: ["<img src=x onerror=alert(2)>", "ok-tag"]
---
# Title <img src=x onerror=alert(3)>

## Heading <script>alert(4)</script> end

> [!note] <img src=x onerror=alert(5)>
> body of the callout

[[Other|<b onmouseover=x>shown</b>]] then [[javascript:alert(6)]] then
[md](javascript:alert(7)) and [md2](JaVaScRiPt:alert(8)) and [md3](data:text/html,x)
<a href="javascript:alert(9)">raw link</a> <div onclick="alert(10)" style="color: red">styled</div>
<iframe src="https://example.org/frame"></iframe>
<details><summary>Folded</summary>inside the details</details>
<kbd>Ctrl</kbd> <mark>marked</mark> <span data-note="n" class="c">span</span>

```python exec
#| caption: a"><script>alert(11)</script>
import matplotlib.pyplot as plt
plt.plot([0, 1])
print("<script>alert(12)</script>")
```

```python exec
class Hostile:
    def _repr_html_(self):
        return "<b>bold out</b><script>alert(13)</script><img src=x onerror=alert(14)>"
Hostile()
```

```python exec
#| html: trusted
class Widget:
    def _repr_html_(self):
        return '<button onclick="go()">trusted widget</button>'
Widget()
```

```python exec
import numpy as np
from mkdocs_vault.show import matrix
matrix(np.arange(6).reshape(2, 3) / 5, rows=["a", "b"], columns=["x", "y", "z"], heatmap=True)
```
"""

OTHER = "# Other\n\nA plain note.\n"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    build = build_vault(
        root,
        {"Hostile.md": HOSTILE, "Other.md": OTHER},
        theme="material",
        plugins=("search", "vault", "tags"),
    )
    page = BeautifulSoup(build.page_path("Hostile.md").read_text(encoding="utf-8"), "html.parser")
    plain = BeautifulSoup(build.page_path("Other.md").read_text(encoding="utf-8"), "html.parser")
    return build, page, plain


def test_a_hostile_note_puts_no_executable_markup_on_its_page(hostile):
    _, page, plain = hostile
    # The theme's own scripts are those a plain note's page has too (same folder depth).
    site_scripts = {str(script) for script in plain.find_all("script")}
    page = BeautifulSoup(str(page), "html.parser")  # a copy: the fixture is shared
    page.find("article").find("button").decompose()  # the block that opted in: see below
    assert executable_markup(page, site_scripts) == []


def test_text_from_a_note_is_shown_escaped_not_dropped(hostile):
    build, page, _ = hostile
    text = page.find("article").get_text()
    for shown in [
        "<img src=x onerror=alert(5)>",  # callout title
        "<b onmouseover=x>shown</b>",  # wikilink display text
        "<script>alert(12)</script>",  # printed output
        "<script>alert('alias')</script>",  # alias, named for search
    ]:
        assert shown in text
    assert page.find("figcaption").get_text() == 'a"><script>alert(11)</script>'
    assert any("'<img src=x onerror=alert(2)>' in 'tags' is not a tag" in w for w in build.warnings)


def test_raw_html_in_a_note_keeps_its_tags_and_loses_its_code(hostile):
    _, page, _ = hostile
    article = page.find("article")
    assert article.find("summary").get_text() == "Folded"
    assert article.find("kbd").get_text() == "Ctrl"
    assert article.find("mark").get_text() == "marked"
    assert article.find("span", {"data-note": "n"}).get_text() == "span"
    styled = article.find(string="styled").parent
    assert styled.get("style") == "color: red" and "onclick" not in styled.attrs
    assert article.find(string="raw link").parent.get("href") is None
    assert article.find("iframe") is None


def test_snippet_html_is_sanitized_unless_its_block_trusts_it(hostile):
    _, page, _ = hostile
    rich = page.find_all("div", class_="vault-rich")
    assert rich[0].find("b").get_text() == "bold out"
    assert rich[0].find("script") is None and rich[0].find("img").get("onerror") is None
    assert rich[1].find("button").get("onclick") == "go()"


def test_heatmap_tables_survive_sanitizing_intact(hostile):
    _, page, _ = hostile
    table = page.find_all("div", class_="vault-rich")[2].find("table")
    cells = table.find("tbody").find_all("td")
    assert len(cells) == 6
    assert all(re.fullmatch(r"--w:\s*[0-9.]+;?", cell.get("style", "")) for cell in cells), cells


FEATURES = """---
aliases: [Feature tour]
tags: [tour]
---
# Features

Text with a #tour tag, ==marked==, math $a_{ij} < b$ and a footnote.[^1]

> [!tip]- Folded callout
> With **bold** and a [[Other#Other|link]].

| a | b |
|:--|--:|
| 1 | 2 |

```python
def f(x):
    return x < 1
```

```python exec
import numpy as np
from mkdocs_vault.show import matrix
matrix(np.eye(2), rows=["p", "q"], columns=["p", "q"], heatmap=True)
```

[^1]: The footnote.
"""


def _shape(path) -> list:
    """A page as its sequence of (tag, attributes) and texts: serialization aside."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    shape = []
    for node in soup.descendants:
        if node.name is None:
            if node.strip():
                shape.append(str(node))
            continue
        attrs = {k: " ".join(v) if isinstance(v, list) else v for k, v in node.attrs.items()}
        shape.append((node.name, sorted(attrs.items())))
    return shape


def test_sanitizing_changes_nothing_the_site_itself_emits(tmp_path):
    notes = {"Features.md": FEATURES, "Other.md": OTHER}
    material = {
        "theme": "material",
        "plugins": ("search", "vault", "tags"),
        "extra": {
            "markdown_extensions": [
                {"toc": {"permalink": True}},
                "tables",
                "attr_list",
                "md_in_html",
                "footnotes",
                "admonition",
                "pymdownx.details",
                "pymdownx.mark",
                "pymdownx.superfences",
                {"pymdownx.highlight": {"use_pygments": True}},
                {"pymdownx.arithmatex": {"generic": True}},
            ]
        },
    }
    sanitized = build_vault(tmp_path / "sanitized", notes, **material)
    trusting = build_vault(
        tmp_path / "trusting",
        notes,
        **{**material, "plugins": ("search", {"vault": {"trust_html": True}}, "tags")},
    )
    assert sanitized.warnings == trusting.warnings == []
    for note in notes:
        assert _shape(sanitized.page_path(note)) == _shape(trusting.page_path(note))
    # The features the comparison is about were really on the page.
    soup = sanitized.soup("Features.md")
    for tag, css in [
        ("span", "arithmatex"),
        ("details", "tip"),
        ("div", "footnote"),
        ("div", "highlight"),
        ("div", "vault-rich"),
        ("a", "headerlink"),
    ]:
        assert soup.find(tag, class_=css) is not None, (tag, css)


def test_trust_html_publishes_raw_html_as_written(tmp_path):
    note = '# Raw\n\n<div onclick="go()">click</div>\n'
    build = build_vault(tmp_path, {"Raw.md": note}, plugins=({"vault": {"trust_html": True}},))
    assert build.soup("Raw.md").find("div", onclick="go()") is not None
