"""The site opened from disk (Material's offline plugin, file://): nothing from the network."""

import pytest
from browser import PageProblems, chromium
from helpers import copy_project, run_build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory):
    config = copy_project(tmp_path_factory.mktemp("offline"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OFFLINE", "true")  # mkdocs.yml: offline plugin enabled via !ENV
        build = run_build(config, strict=True)
    return build.site


def test_an_offline_build_references_nothing_outside_the_site(offline_site):
    pages = list(offline_site.rglob("*.html"))
    assert (offline_site / "concepts" / "Softmax.html").is_file()  # no directory URLs
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'src="http' not in html and "unpkg.com" not in html, page
    assert (offline_site / "assets" / "mkdocs_vault" / "iframe-worker" / "shim.js").is_file()


def test_the_site_opened_from_disk_navigates_typesets_searches_and_draws(offline_site):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = PageProblems(page)
        page.goto((offline_site / "index.html").as_uri())
        page.locator("article a.vault-link", has_text="Softmax").first.click()
        page.wait_for_url(lambda url: url.split("#")[0].endswith("/concepts/Softmax.html"))
        page.wait_for_function(
            "document.querySelectorAll('.arithmatex').length > 0 && "
            "document.querySelectorAll('.arithmatex').length === "
            "document.querySelectorAll('.arithmatex .katex').length"
        )
        undecoded = page.evaluate(
            "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        assert undecoded == []
        page.locator(".md-search__input").first.click(force=True)
        page.keyboard.type("QKV")  # an alias of "Queries, keys and values"
        results = page.locator(".md-search-result__item")
        results.first.wait_for()
        assert "Queries, keys and values" in " ".join(results.all_inner_texts())
        page.goto((offline_site / "graph.html").as_uri())
        page.locator("[data-vault-graph] canvas").first.wait_for()
        assert problems.items == []


@pytest.mark.parametrize("order", [("vault", "offline"), ("offline", "vault")])
def test_the_offline_polyfill_is_ours_whichever_plugin_is_listed_first(tmp_path, order):
    from helpers import build_vault

    build = build_vault(
        tmp_path, {"index.md": "# Home\n"}, theme="material", plugins=("search", *order)
    )
    polyfills = build.config.extra["polyfills"]
    assert polyfills == ["assets/mkdocs_vault/iframe-worker/shim.js"], polyfills
    assert "unpkg.com" not in build.page_path("index.md").read_text()
