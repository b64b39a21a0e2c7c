"""The graph view of our course in a real browser: drawn, clickable, local, dark-mode proof."""

import json
import os
from pathlib import Path

import pytest
from browser import PageProblems, chromium, serve
from helpers import copy_project, run_build

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
GLOBAL = "[data-vault-graph='global']"
LOCAL = "[data-vault-graph='local']"

pytestmark = pytest.mark.browser

# Bright, nearly opaque pixels: in the light palette nothing on the graph is drawn that
# way (grey nodes, dark names); in the dark palette the names are.
BRIGHT_PIXELS = """(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let drawn = 0, bright = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0) drawn++;
    if (data[i + 3] > 200 && data[i] > 180 && data[i + 1] > 180 && data[i + 2] > 180) bright++;
  }
  return { drawn, bright };
}"""

NODE_ON_SCREEN = """([selector, id]) => {
  const element = document.querySelector(selector);
  const graph = element.vaultGraph;
  const node = graph.graphData().nodes.find((n) => n.id === id);
  const point = graph.graph2ScreenCoords(node.x, node.y);
  const box = element.querySelector('canvas').getBoundingClientRect();
  return { x: box.left + point.x, y: box.top + point.y };
}"""


# Counts animation frames requested, to see that no drawing loop is left running.
COUNT_FRAMES = """(() => {
  const request = window.requestAnimationFrame.bind(window);
  window.frameRequests = 0;
  window.requestAnimationFrame = (callback) => { window.frameRequests++; return request(callback); };
})()"""


def _frames_per_second(page) -> int:
    before = page.evaluate("window.frameRequests")
    page.wait_for_timeout(1000)
    return page.evaluate("window.frameRequests") - before


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    config = copy_project(tmp_path_factory.mktemp("browser-graph"))
    # Material's instant navigation follows only pages listed in sitemap.xml under the
    # site_url (the Pages workflow sets it): serve first, then build for that address, so
    # the graph is tested across instant page swaps as published.
    with serve(config.parent / "site") as url, pytest.MonkeyPatch.context() as patch:
        patch.setitem(os.environ, "SITE_URL", url + "/")
        build = run_build(config, strict=True)
        assert build.warnings == []
        graph_file = build.site / "assets/mkdocs_vault/graph.json"
        yield url, json.loads(graph_file.read_text(encoding="utf-8"))


def _settled(page, selector):
    page.wait_for_selector(f"{selector}[data-state='settled']", timeout=20_000)


def _click_node(page, selector, node_id):
    point = page.evaluate(NODE_ON_SCREEN, [selector, node_id])
    page.mouse.move(point["x"], point["y"])
    # force-graph finds the node under the pointer on a throttled hit canvas.
    page.wait_for_function(
        "(s) => document.querySelector(s + ' canvas').classList.contains('clickable')", arg=selector
    )
    page.mouse.click(point["x"], point["y"])


def test_the_global_graph_draws_every_note(site):
    url, graph = site
    notes = sorted(p.relative_to(REPO / "vault").as_posix() for p in (REPO / "vault").rglob("*.md"))
    assert sorted(node["id"] for node in graph["nodes"]) == notes
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = PageProblems(page)
        page.goto(url + "/graph/", wait_until="networkidle")
        _settled(page, GLOBAL)
        count = page.evaluate(
            f'document.querySelector("{GLOBAL}").vaultGraph.graphData().nodes.length'
        )
        assert count == len(notes)
        assert page.evaluate(BRIGHT_PIXELS, GLOBAL)["drawn"] > 1000
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(GLOBAL).screenshot(path=str(ARTIFACTS / "graph-global.png"))
        assert problems.items == []


def test_clicking_a_node_opens_its_note_and_no_animation_loop_outlives_its_page(site):
    url, graph = site
    target = next(node for node in graph["nodes"] if node["id"] == "concepts/Softmax.md")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.add_init_script(COUNT_FRAMES)
        problems = PageProblems(page)
        page.goto(url + "/graph/", wait_until="networkidle")
        _settled(page, GLOBAL)
        assert _frames_per_second(page) > 10  # a visible graph's loop runs (cheaply)
        page.evaluate("window.sameWindow = true")
        _click_node(page, GLOBAL, target["id"])
        page.wait_for_function("() => location.pathname.endsWith('/concepts/Softmax/')")
        # Instant navigation changes the address first, then swaps in the new content.
        page.wait_for_function(
            "(title) => document.querySelector('article h1').textContent.startsWith(title)",
            arg=target["title"],
        )
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.sameWindow === true")  # instant navigation, no reload
        # The graph page's graph is gone, and the note's local graph is out of view.
        assert _frames_per_second(page) < 3
        assert problems.items == []


def test_a_course_note_shows_its_local_graph_of_links_and_backlinks(site):
    url, graph = site
    note = "concepts/Softmax.md"
    expected = {note}
    for edge in graph["edges"]:
        if note in (edge["source"], edge["target"]):
            expected |= {edge["source"], edge["target"]}
    assert len(expected) > 3  # the course links Softmax both ways
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = PageProblems(page)
        page.goto(url + "/concepts/Softmax/", wait_until="networkidle")
        assert page.locator("section.vault-backlinks li.vault-backlink").count() >= 2
        page.locator(LOCAL).scroll_into_view_if_needed()
        _settled(page, LOCAL)
        shown = page.evaluate(
            f'document.querySelector("{LOCAL}").vaultGraph.graphData().nodes.map((n) => n.id)'
        )
        assert set(shown) == expected
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(".vault-local-graph").screenshot(path=str(ARTIFACTS / "graph-local.png"))
        assert problems.items == []


def test_switching_to_dark_mode_redraws_the_graph_in_dark_colours(site):
    url, _graph = site
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = PageProblems(page)
        page.goto(url + "/graph/", wait_until="networkidle")
        _settled(page, GLOBAL)
        # Zoomed in, every name is drawn. (The arrow returns nothing: a force-graph instance
        # is a function, which Playwright would call while serialising it.)
        page.evaluate(f'() => {{ document.querySelector("{GLOBAL}").vaultGraph.zoom(3); }}')
        page.wait_for_timeout(300)
        light = page.evaluate(BRIGHT_PIXELS, GLOBAL)
        page.locator("form[data-md-component='palette'] label:visible").first.click()
        page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
        page.wait_for_timeout(300)
        dark = page.evaluate(BRIGHT_PIXELS, GLOBAL)
        assert light["drawn"] > 1000 and dark["drawn"] > 1000
        assert light["bright"] == 0
        assert dark["bright"] > 100  # names now drawn in the dark palette's light text colour
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(GLOBAL).screenshot(path=str(ARTIFACTS / "graph-dark.png"))
        assert problems.items == []


def test_math_quoted_in_linked_mentions_is_typeset_like_the_note(site):
    url, _graph = site
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = PageProblems(page)
        page.goto(url + "/concepts/Softmax/", wait_until="networkidle")
        mentions = page.locator("section.vault-backlinks")
        assert mentions.locator(".arithmatex").count() > 0
        assert (
            mentions.locator(".arithmatex .katex").count()
            == mentions.locator(".arithmatex").count()
        )
        assert "$" not in mentions.inner_text()
        mentions.screenshot(path=str(ARTIFACTS / "backlinks.png"))
        assert problems.items == []
