"""The published vault in a real browser: pages load cleanly and wikilinks navigate."""

from pathlib import Path
from urllib.parse import quote

import pytest
from browser import PageProblems, chromium, serve
from helpers import copy_project, run_build

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    config = copy_project(tmp_path_factory.mktemp("browser"))
    build = run_build(config, strict=True)
    with serve(build.site) as url:
        yield url


def test_home_page_loads_and_a_wikilink_navigates_without_errors(site_url):
    with chromium() as browser:
        page = browser.new_page()
        problems = PageProblems(page)
        page.goto(site_url + "/", wait_until="networkidle")
        assert page.title().startswith("Attention, computed")
        link = page.locator("article a.vault-link").first
        target_text = link.inner_text()
        link.click()
        page.wait_for_load_state("networkidle")
        assert page.url != site_url + "/"
        heading = page.locator("article h1").first.inner_text()
        assert heading.strip().startswith(target_text.split(" > ")[0].strip()[:10])
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "followed-wikilink.png"), full_page=True)
        assert problems.items == []


def test_heading_link_scrolls_to_the_rendered_anchor(site_url):
    with chromium() as browser:
        page = browser.new_page()
        problems = PageProblems(page)
        page.goto(site_url + "/concepts/Attention%20as%20soft%20lookup/", wait_until="networkidle")
        link = page.locator("article a.vault-link[href*='#']").filter(has_text="Why divide").first
        link.click()
        page.wait_for_load_state("networkidle")
        anchor = page.evaluate("decodeURIComponent(location.hash.slice(1))")
        assert anchor
        assert page.evaluate("(id) => !!document.getElementById(id)", anchor)
        assert problems.items == []


def test_a_computed_figure_and_matrix_render_in_the_browser(site_url):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = PageProblems(page)
        page.goto(site_url + "/concepts/Softmax/", wait_until="networkidle")
        figure = page.locator("figure.vault-figure img").first
        figure.scroll_into_view_if_needed()
        assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", figure.element_handle())
        assert page.locator("table.vault-matrix tbody tr").count() >= 4
        undecoded = page.evaluate("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        assert undecoded == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("div.vault-exec").first.screenshot(path=str(ARTIFACTS / "softmax-figure.png"))
        assert problems.items == []


SCREENSHOTS = {"index": "home.png", "concepts/Scaled dot-product attention": "scaled-dot-product.png"}


def test_every_course_page_loads_with_its_computed_figures_decoded(site_url):
    pages = sorted(p.relative_to(REPO / "vault").with_suffix("").as_posix() for p in (REPO / "vault").rglob("*.md"))
    links: dict[str, str] = {}  # every internal link on the course pages → the page it is on
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = PageProblems(page)
        figures = 0
        for name in pages:
            url = site_url + "/" + ("" if name == "index" else quote(name) + "/")
            response = page.goto(url, wait_until="networkidle")
            assert response is not None and response.status == 200, name
            undecoded = page.evaluate("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
            assert undecoded == [], name
            figures += page.locator("figure.vault-figure img").count()
            for href in page.evaluate("[...document.querySelectorAll('article a[href]')].map(a => a.href)"):
                if href.startswith(site_url):
                    links.setdefault(href, name)
            if name in SCREENSHOTS:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / SCREENSHOTS[name]), full_page=True)
        assert figures >= 15
        assert problems.items == []
    assert len(links) > 100
    assert [f"{source}: {href}" for href, source in sorted(links.items()) if not _lands(href)] == []


def _lands(href: str) -> bool:
    """The link's page answers 200 and, for a fragment, holds an element with that id."""
    from urllib.parse import unquote, urldefrag
    from urllib.request import urlopen

    from bs4 import BeautifulSoup

    url, fragment = urldefrag(href)
    with urlopen(url, timeout=10) as response:  # noqa: S310 - our own local server
        if response.status != 200:
            return False
        body = response.read()
    if not fragment or not url.endswith("/"):
        return True
    return BeautifulSoup(body, "html.parser").find(id=unquote(fragment)) is not None
