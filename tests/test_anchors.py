"""Predicted heading ids equal the ids `toc` really renders, and wrong guesses get corrected."""

import re

import pytest
from helpers import build_vault
from mkdocs_vault.anchors import AnchorMaker
from pymdownx.slugs import slugify

HEADINGS = [
    "Hello, World!",
    "Café crème",
    "Внимание и память",
    "`code` in heading",
    "**Bold** and _em_ words",
    "Link [[Target|alias]] inside",
    "Link [[Target]] bare",
    "[md link](Target.md) text",
    "Repeated",
    "Repeated",
    "Repeated_1",
    "Custom id {#custom-id}",
    "Emoji 🚀 rocket",
    "√d_k scaling",
    "snake_case_name",
    "HTML <b>bold</b> tag",
    "Math $x^2$ here",
    "Trailing hashes ##",
    "Ampersand &amp; entity",
    "Footnote[^1] here",
    "Escaped \\*stars\\*",
    "Comment %%hidden%% gone",
    "",
]


def _note(headings):
    body = "\n\n".join(f"## {h}" if h else "##" for h in headings)
    return f"# Page\n\n{body}\n\n[^1]: a footnote.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("anchors")
    build = build_vault(
        root,
        {"Page.md": _note(HEADINGS), "Target.md": "# Target\n"},
        extra={"markdown_extensions": [
            {"toc": {"permalink": True}}, "attr_list", "footnotes",
            {"pymdownx.arithmatex": {"generic": True}},
        ]},
    )
    return build


def test_prediction_matches_every_rendered_heading_id(built, tmp_path):
    # helpers.write_config gives toc the pymdownx Unicode slugify, as our mkdocs.yml does.
    real = [h.get("id") for h in built.soup("Page.md").find_all("h2")]
    predicted = AnchorMaker(slugify(case="lower"), "-").anchors(HEADINGS, reserved=["page"])
    assert predicted == real


def test_unicode_slugify_from_mkdocs_yml_is_used(tmp_path):
    build = build_vault(
        tmp_path,
        {"Page.md": "# Внимание\n\n## Механизм внимания\n", "Home.md": "[[Page#Механизм внимания]]\n"},
    )
    link = build.soup("Home.md").find("a", class_="vault-link")
    assert link["href"].endswith("#механизм-внимания")
    assert build.soup("Page.md").find(id="механизм-внимания") is not None


def test_a_wrong_prediction_is_corrected_after_rendering(tmp_path, monkeypatch):
    original = AnchorMaker.anchors
    monkeypatch.setattr(
        AnchorMaker, "anchors", lambda self, texts, reserved=(): [a + "-guess" for a in original(self, texts, reserved)]
    )
    build = build_vault(
        tmp_path,
        {
            "Page.md": "# Page\n\n## Some heading\n\nsee [[#Some heading]]\n",
            "Home.md": "go to [[Page#Some heading]]\n",
        },
    )
    home_link = build.soup("Home.md").find("a", class_="vault-link")["href"]
    self_link = build.soup("Page.md").find("a", class_="vault-link")["href"]
    assert home_link.endswith("#some-heading"), home_link
    assert self_link == "#some-heading"
    assert not [w for w in build.warnings if "anchor" in w]


def test_duplicate_heading_links_reach_the_suffixed_ids(tmp_path):
    build = build_vault(
        tmp_path,
        {
            "Page.md": "# Page\n\n## A\n\n### Same\n\n## B\n\n### Same\n",
            "Home.md": "[[Page#A#Same]] and [[Page#B#Same]]\n",
        },
    )
    hrefs = [a["href"] for a in build.soup("Home.md").find_all("a", class_="vault-link")]
    assert [re.sub(".*#", "", h) for h in hrefs] == ["same", "same_1"]
