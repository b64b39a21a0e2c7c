"""```mermaid blocks: a fence our script draws with the vendored mermaid, never a CDN."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from browser import PageProblems, chromium, serve
from helpers import build_vault, run_build, write_config, write_vault
from mkdocs_vault import mermaid
from mkdocs_vault.plugin import SITE_ASSETS
from pymdownx.superfences import fence_code_format

MERMAID = Path(__file__).resolve().parents[1] / "plugins/mkdocs_vault/assets/mermaid"

# Mermaid syntax that looks like vault syntax: a [[subroutine]] node, a #, $…$ and markup.
FLOWCHART = """\
flowchart LR
  Start[[Subroutine]] --> Check{"#tag? $x$ <b>bold</b>"}
  Check --> Done[Done & dusted]"""
BROKEN = """\
flowchart LR
  A --> --> ((("""
DIAGRAM_NOTE = f"""\
# Diagram

Before the diagrams, $x^2$.

```mermaid
{FLOWCHART}
```

```mermaid
{BROKEN}
```

After the diagrams. Back [[Plain]].
"""
PLAIN_NOTE = "# Plain\n\nNo diagram here; see [[Diagram]].\n\n```python\nx = 1\n```\n"
NOTES = {"index.md": "# Home\n\n[[Diagram]] and [[Plain]]\n", "Diagram.md": DIAGRAM_NOTE, "Plain.md": PLAIN_NOTE}

MATERIAL = {
    "name": "material",
    "font": False,  # as in our mkdocs.yml: Material would otherwise fetch Google Fonts
    "features": ["navigation.instant", "navigation.instant.preview"],
    "palette": [
        {"scheme": "default", "toggle": {"icon": "material/weather-night", "name": "Dark"}},
        {"scheme": "slate", "toggle": {"icon": "material/weather-sunny", "name": "Light"}},
    ],
}


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---- the fence ------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_a_mermaid_fence_becomes_a_block_for_the_script_with_its_text_untouched(tmp_path, theme):
    build = build_vault(tmp_path, {"Diagram.md": f"# D\n\n```mermaid\n{FLOWCHART}\n```\n"}, theme=theme)
    html = build.html("Diagram.md")
    expected = f'<pre class="vault-mermaid"><code>{_escaped(FLOWCHART)}</code></pre>'
    assert expected in html
    # Not Material's class: its bundle would fetch mermaid from unpkg.com for it.
    assert 'class="mermaid"' not in html
    assert build.warnings == []


def test_mermaid_comments_and_markup_in_a_fence_stay_its_escaped_text(tmp_path):
    # %% is a mermaid comment here, not an Obsidian one; markup is text for mermaid to parse.
    source = "flowchart LR\n%% a comment\n  A --> B\n</code></pre><script>alert(1)</script>"
    build = build_vault(tmp_path, {"Diagram.md": f"# D\n\n```mermaid\n{source}\n```\n\nafter\n"})
    html = build.html("Diagram.md")
    assert f'<pre class="vault-mermaid"><code>{_escaped(source)}</code></pre>' in html
    assert "<script>alert" not in html and "<p>after</p>" in html


def test_material_s_recipe_in_mkdocs_yml_is_replaced_by_the_offline_fence(tmp_path):
    write_vault(tmp_path, {"Diagram.md": f"# D\n\n```mermaid\n{FLOWCHART}\n```\n"})
    config = write_config(tmp_path)
    text = config.read_text(encoding="utf-8").replace(
        "- pymdownx.superfences\n",
        "- pymdownx.superfences:\n    custom_fences:\n    - name: mermaid\n      class: mermaid\n"
        "      format: !!python/name:pymdownx.superfences.fence_code_format\n",
    )
    assert "fence_code_format" in text
    config.write_text(text, encoding="utf-8")
    build = run_build(config)
    html = build.html("Diagram.md")
    assert f'<pre class="vault-mermaid"><code>{_escaped(FLOWCHART)}</code></pre>' in html
    fences = build.config.mdx_configs["pymdownx.superfences"]["custom_fences"]
    assert [f["name"] for f in fences].count("mermaid") == 1


def test_a_site_owner_s_own_mermaid_fence_is_kept():
    def theirs(*args, **kwargs):
        return "<div>their diagram</div>"

    fence = {"name": "mermaid", "class": "diagram", "format": theirs}
    config = SimpleNamespace(
        markdown_extensions=["pymdownx.superfences"],
        mdx_configs={"pymdownx.superfences": {"custom_fences": [fence]}},
    )
    mermaid.register_fence(config)
    assert config.mdx_configs["pymdownx.superfences"]["custom_fences"] == [fence]


def test_registering_twice_adds_one_fence_and_nothing_without_superfences():
    config = SimpleNamespace(markdown_extensions=["pymdownx.superfences"], mdx_configs={})
    mermaid.register_fence(config)
    mermaid.register_fence(config)  # `mkdocs serve` reloads the config
    fences = config.mdx_configs["pymdownx.superfences"]["custom_fences"]
    assert fences == [{"name": "mermaid", "class": "vault-mermaid", "format": fence_code_format}]
    bare = SimpleNamespace(markdown_extensions=["tables"], mdx_configs={})
    mermaid.register_fence(bare)
    assert bare.mdx_configs == {}


def test_without_the_plugin_s_scripts_a_mermaid_block_stays_plain_code(tmp_path):
    notes = {"Diagram.md": f"# D\n\n```mermaid\n{FLOWCHART}\n```\n"}
    build = build_vault(tmp_path, notes, plugins=({"vault": {"stylesheet": False}},))
    assert "vault-mermaid" not in build.page_path("Diagram.md").read_text(encoding="utf-8")
    assert "Subroutine" in build.soup("Diagram.md").find("code").get_text()


def test_mermaid_is_vendored_with_its_license_and_shipped_with_the_site(tmp_path):
    assert "MIT License" in (MERMAID / "LICENSE").read_text()
    version = re.search(r"mermaid\]\([^)]*\) (\d+\.\d+\.\d+)", (MERMAID / "README.md").read_text())
    assert version, "the README names the vendored version"
    bundle = MERMAID / "mermaid.min.js"
    # The minified single-file bundle (5.5 MB for 12.3.0): an unminified copy is 13 MB.
    assert 1_000_000 < bundle.stat().st_size < 8_000_000
    assert "sourceMappingURL" not in bundle.read_text(encoding="utf-8")[-500:]
    registered = dict(SITE_ASSETS)
    assert registered["mermaid/mermaid.min.js"] == "file"  # loaded by our script, not every page
    assert registered["vault-mermaid.js"] == "js"
    build = build_vault(tmp_path, {"index.md": "# Home\n"})
    assert (build.site / "assets/mkdocs_vault/mermaid/mermaid.min.js").is_file()
    assert "mermaid.min.js" not in build.page_path("index.md").read_text(encoding="utf-8")


# ---- in the browser -------------------------------------------------------------------

# The page's own diagrams (Material's content, not a link preview's copy).
STATE = """() => [...(document.querySelector('.md-content') || document).querySelectorAll('.vault-mermaid-diagram')].map(box => ({
    state: box.getAttribute('data-vault-mermaid'),
    theme: box.vaultMermaidTheme || null,
    svg: box.querySelector('svg') ? box.querySelector('svg').textContent : null,
    error: box.querySelector('.vault-mermaid-error') ? box.querySelector('.vault-mermaid-error').innerText : null,
}))"""
SETTLED = """() => { const boxes = [...(document.querySelector('.md-content') || document).querySelectorAll('.vault-mermaid-diagram')];
    return boxes.length === 2 && boxes.every(b => b.getAttribute('data-vault-mermaid') !== 'pending'); }"""
# What mermaid leaves in <body> when a diagram fails: its scratch element or the bomb.
LEFTOVERS = """() => [...document.body.children].filter(e => /vault-mermaid-\\d/.test(e.id)
    || (e.textContent || '').includes('Syntax error in text')).length"""


def _watch_requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def _assert_drawn(page, theme: str) -> None:
    page.wait_for_function(SETTLED, timeout=30_000)
    drawn, broken = page.evaluate(STATE)
    assert drawn["state"] == "drawn" and drawn["theme"] == theme
    for text in ("Subroutine", "#tag? $x$", "bold", "Done & dusted"):
        assert text in drawn["svg"], text
    assert broken["state"] == "error" and broken["svg"] is None
    assert "error" in broken["error"].lower() and "A --> -->" in broken["error"]
    assert page.evaluate(LEFTOVERS) == 0


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("mermaid-site")
    write_vault(root, NOTES)
    # Instant navigation follows only pages in sitemap.xml under site_url: serve first,
    # then build for that address.
    with serve(root / "site") as url:
        config = write_config(
            root, theme="material", plugins=("search", "vault"),
            extra={"site_url": url + "/", "theme": MATERIAL},
        )
        build = run_build(config, strict=True)
        assert build.warnings == []
        yield url


@pytest.mark.browser
def test_a_diagram_is_drawn_an_invalid_one_shows_its_error_and_nothing_leaves_the_site(site):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = PageProblems(page)
        requests = _watch_requests(page)
        page.goto(site + "/Diagram/", wait_until="networkidle")
        _assert_drawn(page, "default")
        # The page's other scripts still ran: KaTeX typeset the formula before the diagrams.
        assert page.locator("article .arithmatex .katex").count() == 1
        assert problems.items == []
        assert [u for u in requests if not u.startswith(site + "/")] == []
        assert sum(u.endswith("/assets/mkdocs_vault/mermaid/mermaid.min.js") for u in requests) == 1


@pytest.mark.browser
def test_diagrams_follow_the_dark_palette_when_it_is_toggled(site):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = PageProblems(page)
        page.goto(site + "/Diagram/", wait_until="networkidle")
        _assert_drawn(page, "default")
        light = page.evaluate("document.querySelector('.vault-mermaid-diagram svg').outerHTML")
        page.locator("label[for='__palette_1']").first.click()  # Material's toggle
        page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
        page.wait_for_function(
            "document.querySelector('.vault-mermaid-diagram').vaultMermaidTheme === 'dark'"
        )
        _assert_drawn(page, "dark")
        dark = page.evaluate("document.querySelector('.vault-mermaid-diagram svg').outerHTML")
        assert dark != light
        assert problems.items == []


@pytest.mark.browser
def test_a_page_without_a_diagram_never_loads_mermaid_and_instant_navigation_draws_one(site):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = PageProblems(page)
        requests = _watch_requests(page)
        page.goto(site + "/Plain/", wait_until="networkidle")
        assert [u for u in requests if "mermaid.min.js" in u] == []
        page.evaluate("window.sameWindow = true")
        page.locator("article a", has_text="Diagram").first.click()
        page.wait_for_function("() => location.pathname.endsWith('/Diagram/')")
        _assert_drawn(page, "default")
        assert page.evaluate("window.sameWindow === true")  # instant navigation, no reload
        assert problems.items == []
        assert [u for u in requests if not u.startswith(site + "/")] == []


@pytest.mark.browser
def test_a_link_preview_of_a_note_draws_its_diagrams(site):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = PageProblems(page)
        page.goto(site + "/Plain/", wait_until="networkidle")
        page.locator("article a", has_text="Diagram").first.hover()
        preview = ".md-tooltip2 .vault-mermaid-diagram"
        page.wait_for_selector(f"{preview}[data-vault-mermaid='drawn'] svg", timeout=30_000)
        page.wait_for_selector(f"{preview}[data-vault-mermaid='error'] .vault-mermaid-error")
        assert "Done & dusted" in page.locator(f"{preview} svg").first.text_content()
        assert problems.items == []


HOSTILE = """\
flowchart LR
  A["<img src=x onerror=window.pwned=1>label"] --> B["go"]
  click B call pwn()"""


@pytest.mark.browser
def test_markup_in_a_diagram_label_does_not_run(tmp_path):
    notes = {"Hostile.md": f"# H\n\n```mermaid\n{HOSTILE}\n```\n"}
    build = build_vault(tmp_path, notes, theme="material", extra={"theme": MATERIAL})
    with serve(build.site) as url, chromium() as browser:
        page = browser.new_page()
        # A page function a diagram's `click` could call (mermaid binds none when strict).
        page.add_init_script("window.pwn = () => { window.pwned = 3; }")
        page.goto(url + "/Hostile/", wait_until="networkidle")
        page.wait_for_selector(".vault-mermaid-diagram[data-vault-mermaid='drawn'] svg")
        page.locator(".vault-mermaid-diagram svg").get_by_text("go", exact=True).first.click(force=True)
        page.wait_for_timeout(300)
        assert page.evaluate("window.pwned === undefined")
        assert page.evaluate("document.querySelectorAll('.vault-mermaid-diagram [onerror]').length") == 0


@pytest.mark.browser
def test_diagrams_draw_in_mkdocs_own_theme_in_its_dark_mode(tmp_path):
    theme = {"name": "mkdocs", "color_mode": "dark"}  # <html data-bs-theme="dark">
    build = build_vault(tmp_path, NOTES, extra={"theme": theme})
    with serve(build.site) as url, chromium() as browser:
        seen = {}
        for name in ("Plain", "Diagram"):
            page = browser.new_page()
            problems = PageProblems(page)
            requests = _watch_requests(page)
            # MkDocs' theme itself links highlight.js from cdnjs; this machine is offline.
            page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
            page.goto(f"{url}/{name}/", wait_until="load")
            if name == "Diagram":
                _assert_drawn(page, "dark")
            assert [u for u in requests if not u.startswith(url + "/") and "mermaid" in u] == []
            seen[name] = sorted(p for p in problems.items if "cdnjs" not in p)
        # Only the theme's own errors (hljs missing offline), the same without a diagram.
        assert seen["Diagram"] == seen["Plain"]


@pytest.mark.browser
def test_diagrams_draw_in_a_site_opened_from_disk(tmp_path):
    build = build_vault(
        tmp_path, NOTES, plugins=("search", "vault", "offline"),
        extra={"theme": MATERIAL, "use_directory_urls": False},
    )
    with chromium() as browser:
        page = browser.new_page()
        problems = PageProblems(page)
        requests = _watch_requests(page)
        page.goto((build.site / "Diagram.html").as_uri())
        _assert_drawn(page, "default")
        assert [u for u in requests if not u.startswith("file://")] == []
        assert problems.items == []
