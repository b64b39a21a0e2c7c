"""Math: arithmatex marks it, the vendored KaTeX typesets it, code keeps its dollars."""

import re
from pathlib import Path

import pytest
from browser import PageProblems, chromium, serve
from helpers import build_vault
from mkdocs_vault.plugin import SITE_ASSETS

KATEX = Path(__file__).resolve().parents[1] / "plugins/mkdocs_vault/assets/katex"

# The constructs the course uses, each as Obsidian writes them.
FORMULAS = {
    "aligned": r"$$\begin{aligned} a &= b + c \\ d &= e \end{aligned}$$",
    "pmatrix": r"$$R = \begin{pmatrix} \cos b & -\sin b \\ \sin b & \cos b \end{pmatrix}$$",
    "bmatrix": r"$$W = \begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}$$",
    "text": r"$M_{ij} = -\infty \text{ if } j > i$",
    "operatorname": r"$\operatorname{softmax}(z)_i = e^{z_i} / \sum_j e^{z_j}$",
    "cases": r"$$\delta_{ij} = \begin{cases} 1 & \text{if } i = j, \\ 0 & \text{otherwise.} \end{cases}$$",
}
MATH_NOTE = "# Math\n\n" + "\n\n".join(FORMULAS.values()) + "\n"
CODE_NOTE = """\
# Prices

Inline code `$x$ and $$y$$` and a price of 5 dollars.

```python
cost = "$5"  # $$ not math $$
```
"""


def material_vault(tmp_path, notes):
    # font: false, as in our mkdocs.yml: Material would otherwise fetch Google Fonts.
    return build_vault(tmp_path, notes, extra={"theme": {"name": "material", "font": False}})


def test_dollars_inside_code_stay_literal_text(tmp_path):
    build = material_vault(tmp_path, {"Prices.md": CODE_NOTE})
    soup = build.soup("Prices.md")
    assert soup.select(".arithmatex") == []
    assert soup.find("code").get_text() == "$x$ and $$y$$"
    assert '"$5"  # $$ not math $$' in soup.find("pre").get_text()


def test_each_formula_is_marked_for_katex_inline_or_display(tmp_path):
    soup = material_vault(tmp_path, {"Math.md": MATH_NOTE}).soup("Math.md")
    displays = [el.get_text() for el in soup.select("div.arithmatex")]
    inlines = [el.get_text() for el in soup.select("span.arithmatex")]
    assert len(displays) == 4 and len(inlines) == 2
    assert all(t.startswith("\\[") and t.endswith("\\]") for t in displays)
    assert all(t.startswith("\\(") and t.endswith("\\)") for t in inlines)


def test_every_font_the_katex_stylesheet_prefers_is_shipped_with_the_site(tmp_path):
    build = material_vault(tmp_path, {"Math.md": MATH_NOTE})
    katex_dir = build.site / "assets/mkdocs_vault/katex"
    wanted = set(
        re.findall(r"url\((fonts/[^)]+\.woff2)\)", (katex_dir / "katex.min.css").read_text())
    )
    assert len(wanted) >= 20
    assert sorted(f for f in wanted if not (katex_dir / f).is_file()) == []


def test_the_page_loads_katex_from_the_site_itself(tmp_path):
    build = material_vault(tmp_path, {"Math.md": MATH_NOTE})
    page = build.page_path("Math.md").read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', page)
    sheets = re.findall(
        r'<link[^>]* rel="stylesheet"[^>]* href="([^"]+)"|<link[^>]* href="([^"]+)"[^>]* rel="stylesheet"',
        page,
    )
    urls = scripts + [a or b for a, b in sheets]
    assert [u for u in urls if re.match(r"(https?:)?//", u)] == []
    katex_js = next(i for i, u in enumerate(scripts) if u.endswith("katex/katex.min.js"))
    init_js = next(i for i, u in enumerate(scripts) if u.endswith("vault-math.js"))
    assert katex_js < init_js  # the init script needs the `katex` global
    assert any(u.endswith("katex/katex.min.css") for u in urls)


def test_katex_is_vendored_with_its_license_and_registered_as_site_assets():
    assert "MIT License" in (KATEX / "LICENSE").read_text()
    registered = {name for name, _kind in SITE_ASSETS}
    fonts = {f"katex/fonts/{p.name}" for p in (KATEX / "fonts").glob("*.woff2")}
    assert fonts and fonts <= registered
    assert {"katex/katex.min.js", "katex/katex.min.css", "vault-math.js"} <= registered


@pytest.mark.browser
def test_the_course_constructs_typeset_without_katex_errors(tmp_path):
    build = material_vault(tmp_path, {"Math.md": MATH_NOTE, "Prices.md": CODE_NOTE})
    with serve(build.site) as url, chromium() as browser:
        page = browser.new_page()
        problems = PageProblems(page)
        page.goto(url + "/Math/", wait_until="networkidle")
        state = page.evaluate(
            """() => [...document.querySelectorAll('.arithmatex')].map(el => [
                !!el.querySelector('.katex'), !!el.querySelector('.katex-error'),
                !!el.querySelector('.katex-display')])"""
        )
        assert state == [[True, False, f.startswith("$$")] for f in FORMULAS.values()]
        # pmatrix and bmatrix draw their delimiters; \text keeps its words upright text.
        assert page.locator(".katex-html .mopen").count() >= 2
        assert "otherwise." in page.locator(".katex-html").all_inner_texts()[-1]
        page.goto(url + "/Prices/", wait_until="networkidle")
        assert page.locator(".katex").count() == 0
        assert "$x$ and $$y$$" in page.locator("article code").first.inner_text()
        assert problems.items == []
