"""Reading the published course in a real browser, with the network unplugged.

Math is typeset by the vendored KaTeX (fonts included), hovering a wikilink previews
its target, search finds a note by an alias, and the dark palette keeps figures and math.
The site is built with `SITE_URL` pointing at the local server, as the Pages workflow
does for its own address: Material follows (and previews) only pages in sitemap.xml.
"""

from pathlib import Path
from urllib.parse import quote

import pytest
from browser import PageProblems, chromium, serve
from helpers import copy_project, run_build

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
COURSE_PAGES = sorted(
    p.relative_to(REPO / "vault").with_suffix("").as_posix() for p in (REPO / "vault").rglob("*.md")
)

pytestmark = pytest.mark.browser

# Every element arithmatex marked as math, and whether KaTeX replaced its source.
MATH_STATE = """() => [...document.querySelectorAll('article .arithmatex')].map(el => ({
    typeset: !!el.querySelector('.katex'),
    error: !!el.querySelector('.katex-error'),
    source: el.textContent.slice(0, 80),
}))"""
# Text a reader sees that still carries TeX delimiters (KaTeX's MathML copy is not seen).
RAW_TEX_VISIBLE = r"""() => {
    const walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
    const raw = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent.closest('pre, code, .katex-mathml') || !parent.offsetParent) continue;
        if (/\\\(|\\\[|\$\$/.test(node.textContent)) raw.push(node.textContent.slice(0, 80));
    }
    return raw;
}"""
UNDECODED_IMAGES = (
    "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
)


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("reading")
    config = copy_project(root)
    with serve(root / "site") as url, pytest.MonkeyPatch.context() as env:
        env.setenv("SITE_URL", url + "/")
        build = run_build(config, strict=True)
        assert build.warnings == []
        yield url


@pytest.fixture
def offline_page(site_url):
    """A page whose only reachable host is the local site; anything else fails loudly."""
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        outside: list[str] = []

        def only_local(route):
            if route.request.url.startswith(site_url + "/"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
        page = context.new_page()
        problems = PageProblems(page)
        yield page, problems
        assert outside == [], "requests left the machine"
        assert problems.items == []
        context.close()


def course_url(site_url: str, name: str) -> str:
    return site_url + "/" + ("" if name == "index" else quote(name) + "/")


def test_every_course_page_typesets_its_math_offline_with_katex_fonts(site_url, offline_page):
    page, _ = offline_page
    formulas = 0
    for name in COURSE_PAGES:
        page.goto(course_url(site_url, name), wait_until="networkidle")
        math = page.evaluate(MATH_STATE)
        formulas += len(math)
        assert [m["source"] for m in math if not m["typeset"]] == [], name
        assert [m["source"] for m in math if m["error"]] == [], name
        assert page.evaluate(RAW_TEX_VISIBLE) == [], name
        if math:
            page.evaluate("document.fonts.ready")
            loaded = page.evaluate(
                "[...document.fonts].filter(f => f.family.startsWith('KaTeX')"
                " && f.status === 'loaded').length"
            )
            assert loaded > 0, name
    assert formulas > 20
    page.goto(course_url(site_url, "concepts/Softmax"), wait_until="networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("article div.arithmatex").first.screenshot(
        path=str(ARTIFACTS / "katex-display.png")
    )


def test_math_is_typeset_again_after_instant_navigation(site_url, offline_page):
    page, _ = offline_page
    page.goto(course_url(site_url, "index"), wait_until="networkidle")
    page.locator("article a.vault-link[href*='Softmax']").first.click()
    # Material's anchor tracking may carry the section the click came from (#...) along.
    page.wait_for_url(lambda url: url.split("#")[0].endswith("/Softmax/"))
    # Instant navigation changes the URL first, then swaps in the new content.
    page.wait_for_function("document.querySelector('article h1')?.innerText.startsWith('Softmax')")
    page.wait_for_load_state("networkidle")
    # Instant navigation swapped the content without reloading the page's scripts.
    assert page.evaluate("typeof window.document$") == "object"
    math = page.evaluate(MATH_STATE)
    assert math and all(m["typeset"] for m in math)


def hover_preview(page, link):
    """Hover `link` and return Material's preview popover once it shows."""
    link.scroll_into_view_if_needed()
    link.hover()
    preview = page.locator(".md-tooltip2[role=dialog] .md-tooltip2__inner").last
    preview.wait_for(state="visible", timeout=10_000)
    return preview


def test_hovering_a_wikilink_previews_the_target_note(site_url, offline_page):
    page, _ = offline_page
    page.goto(course_url(site_url, "concepts/Softmax"), wait_until="networkidle")
    link = page.locator("article a.vault-link[href$='Scaled%20dot-product%20attention/']").first
    # What the target note says first, read from the target page itself.
    opening = page.evaluate(
        """async (url) => {
            const doc = new DOMParser().parseFromString(await (await fetch(url)).text(), 'text/html');
            const h1 = doc.querySelector('article h1');
            let p = h1.nextElementSibling;
            while (p && (p.tagName !== 'P' || p.hidden)) p = p.nextElementSibling;
            return [h1.textContent.replace('¶', '').trim(), p.textContent.trim().slice(0, 40)];
        }""",
        link.evaluate("a => a.href"),
    )
    preview = hover_preview(page, link)
    text = preview.inner_text()
    assert opening[0] in text
    assert " ".join(opening[1].split()[:4]) in " ".join(text.split())
    page.wait_for_timeout(400)  # let the popover finish fading in for the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "wikilink-preview.png"))


def test_a_heading_link_previews_that_section_with_its_math_typeset(site_url, offline_page):
    page, _ = offline_page
    page.goto(course_url(site_url, "concepts/Softmax"), wait_until="networkidle")
    link = page.locator("article a.vault-link[href*='#why-divide']").first
    preview = hover_preview(page, link)
    assert preview.locator("h3").first.inner_text().startswith("Why divide")
    preview.locator(".katex").first.wait_for(timeout=5_000)
    assert preview.locator(".arithmatex").count() == preview.locator(".arithmatex .katex").count()
    assert "\\(" not in preview.inner_text()


# Aliases written nowhere in any note's text: only the front matter can lead search to them.
@pytest.mark.parametrize(
    ("alias", "note", "note_title"),
    [
        ("SDPA", "concepts/Scaled dot-product attention", "Scaled dot-product attention"),
        ("look-ahead mask", "concepts/Masked attention", "Masked attention"),
    ],
)
def test_searching_an_alias_lists_its_note(site_url, offline_page, alias, note, note_title):
    page, _ = offline_page
    page.goto(course_url(site_url, note), wait_until="networkidle")
    assert alias.lower() not in page.locator("article").inner_text().lower()
    search = page.locator("input.md-search__input")
    search.click()
    page.keyboard.type(alias)  # Material searches on key events, not on a programmatic fill
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="visible", timeout=10_000)
    titles = [t.strip() for t in page.locator(".md-search-result__article h1").all_inner_texts()]
    assert titles[0] == note_title
    results.first.click()
    page.wait_for_url("**" + quote(note) + "/*")


def test_the_dark_palette_keeps_figures_decoded_and_math_typeset(site_url, offline_page):
    page, _ = offline_page
    page.goto(course_url(site_url, "concepts/Softmax"), wait_until="networkidle")
    assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(UNDECODED_IMAGES) == []
    assert page.locator("figure.vault-figure img").count() > 0
    math = page.evaluate(MATH_STATE)
    assert math and all(m["typeset"] and not m["error"] for m in math)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "softmax-dark.png"))
