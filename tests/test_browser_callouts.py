"""Callouts and tags in a real browser, on a small vault built with our site's mkdocs.yml."""

import shutil
from pathlib import Path

import pytest
from browser import PageProblems, chromium, serve
from helpers import run_build, write_vault

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"

NOTES = {
    "index.md": """
        ---
        tags: [course/basics]
        ---
        # Home

        Start with [[Folding]]. #course/start
        """,
    "concepts/Folding.md": """
        ---
        cssclasses: [roomy]
        ---
        # Folding

        > [!question]- Does this callout start closed?
        > Yes: the hidden answer, with $x^2$ and a [[index|link home]]. #course/inner

        > [!tip]+ Open from the start
        > Visible text.

        > [!note] Not foldable
        > Always visible.
        """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("callouts")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    write_vault(root, NOTES)
    return run_build(root / "mkdocs.yml", strict=True)


@pytest.fixture(scope="module")
def site_url(built):
    with serve(built.site) as url:
        yield url


def test_the_small_vault_builds_cleanly_and_every_tag_link_has_its_anchor(built):
    assert built.warnings == []
    # Material writes the tag headings after MkDocs recorded the index's ids; the plugin
    # registers them, or MkDocs would log every nested `#tag` link as a missing anchor.
    complaints = [
        r.getMessage() for r in built.records if "does not contain an anchor" in r.getMessage()
    ]
    assert complaints == []


@pytest.mark.browser
def test_a_foldable_callout_starts_closed_and_folds_open_and_shut_on_click(site_url):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        problems = PageProblems(page)
        page.goto(site_url + "/concepts/Folding/", wait_until="networkidle")
        closed = page.locator("details.callout[data-callout='question']")
        answer = closed.locator("p").first
        assert not closed.evaluate("d => d.open")
        assert not answer.is_visible()
        closed.locator("summary").click()
        assert closed.evaluate("d => d.open")
        answer.wait_for(state="visible")
        assert "hidden answer" in answer.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("article").screenshot(path=str(ARTIFACTS / "callouts.png"))
        closed.locator("summary").click()
        assert not closed.evaluate("d => d.open")
        opened = page.locator("details.callout[data-callout='tip']")
        assert opened.evaluate("d => d.open")
        assert opened.locator("p").first.is_visible()
        plain = page.locator("div.admonition.callout[data-callout='note']")
        assert plain.locator("p").nth(1).is_visible()
        assert page.locator("article.roomy").count() == 1
        assert problems.items == []


@pytest.mark.browser
def test_an_inline_tag_leads_to_its_heading_on_the_tags_index(site_url):
    with chromium() as browser:
        page = browser.new_page()
        problems = PageProblems(page)
        page.goto(site_url + "/", wait_until="networkidle")
        page.locator("article a.vault-tag", has_text="#course/start").click()
        page.wait_for_load_state("networkidle")
        assert page.url.split("#")[0].endswith("/tags/")
        anchor = page.evaluate("decodeURIComponent(location.hash.slice(1))")
        assert anchor == "tag:course/start"
        heading = page.locator(f"[id='{anchor}']")
        assert heading.count() == 1
        assert "Home" in heading.locator("xpath=following-sibling::ul[1]").inner_text()
        assert problems.items == []
