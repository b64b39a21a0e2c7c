"""Links to headings with formatting, as Obsidian resolves them; warnings name the source.

Obsidian compares a link's heading with each heading after reading punctuation
(`` !"#$%&()*+,.:;<=>?@^`{|}~/[]\\ ``) as spaces, ignoring case: ``### `hasTag()` `` is
reached by `[[Functions#hasTag]]`, `## What? A: b/c` by `[[N#What A b c]]`. A link may
also name the text the page displays (emphasis, links and wikilinks as their text).
Each link must land on the id the heading really renders, and a broken one is reported
at its own line with its text as written: never a Python-Markdown stash placeholder.

And: properties come only from a leading `---` block. MkDocs' MultiMarkdown meta
(`Note: …` first lines) would delete those lines from the page.
"""

from __future__ import annotations

import re

import pytest
from helpers import MARKDOWN_EXTENSIONS, build_vault
from mkdocs_vault.anchors import AnchorMaker, heading_key, heading_keys
from mkdocs_vault.scan import scan_note, source_for_mkdocs
from pymdownx.slugs import slugify

# (heading as written, its level) in Functions.md, in document order.
HEADINGS = [
    ("`hasTag()`", 3),
    ("**Bold** and *em* words", 2),
    ("[link text](https://example.org) here", 2),
    ("See [[Other|alias]] too", 2),
    ("What? A: b/c", 2),
    ("C++ & Rust", 2),
    ("Query, Key & Value Matrices", 2),  # seed note 000
    ("Common Weight Calculation Methods:", 2),  # seed note 004
    ("Title {#custom}", 2),
    ("Parent", 2),
    ("`child` step", 3),
    ("`move`", 3),
]

# (subpath as linked, index of the heading it must reach)
LINKS = [
    ("hasTag", 0),
    ("hasTag()", 0),
    ("`hasTag()`", 0),
    ("HASTAG", 0),
    ("Bold and em words", 1),
    ("**Bold** and *em* words", 1),
    ("link text here", 2),
    ("See alias too", 3),
    ("See Other alias too", 3),
    ("What A b c", 4),
    ("What? A b/c", 4),  # what Obsidian's autocomplete writes (it drops the colon)
    ("C Rust", 5),
    ("C++ & Rust", 5),
    ("Query Key Value Matrices", 6),
    ("Query, Key & Value Matrices", 6),
    ("Common Weight Calculation Methods", 7),
    ("Title", 8),
    ("Parent#child step", 10),
    ("Parent#`child` step", 10),
    ("move", 11),
]


def _functions_note() -> str:
    return "# Functions\n\n" + "".join(f"{'#' * level} {text}\n\nBody.\n\n" for text, level in HEADINGS)


def _links_note() -> str:
    wikilinks = "".join(f"[[Functions#{subpath}]]\n\n" for subpath, _ in LINKS)
    return f"# Links\n\n{wikilinks}[md](Functions.md#hasTag) [md](Functions.md#What%20A%20b%20c)\n"


SELF_NOTE = """\
# Self

para

### `move`

[[#`move`|move]] and [[#move]]

[[#`nope`]] one

text [[Missing `x` note]] and $x$ [[#$y$ miss]]

| a | b |
|---|---|
| [[#`zz`\\|alias]] | [[Nope\\|x]] |

> [!note] Title
> see [[#`qq`]] here

- item [[Gone\ttab]]
- item ![[#`emb`]]

[[Functions#hasTagg]]

[[#` pad ` and	tab]] [[#``two`ticks``]]

![[Missing	embed]]
"""

# (message the warning holds, the line it must name) for each broken link of SELF_NOTE.
SELF_WARNINGS = [
    ("heading '#`nope`' not found in 'Self.md'", 9),
    ("note 'Missing `x` note' not found", 11),
    ("heading '#$y$ miss' not found in 'Self.md'", 11),
    ("heading '#`zz`' not found in 'Self.md'", 15),
    ("note 'Nope' not found", 15),
    ("heading '#`qq`' not found in 'Self.md'", 18),
    ("note 'Gone\\x09tab' not found", 20),
    ("heading '#`emb`' not found in 'Self.md'", 21),
    ("heading '#hasTagg' not found in 'Functions.md' (did you mean #hasTag()?)", 23),
    ("heading '#` pad ` and\\x09tab' not found in 'Self.md'", 25),
    ("heading '#``two`ticks``' not found in 'Self.md'", 25),
    ("note 'Missing\\x09embed' not found", 27),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_vault(
        tmp_path_factory.mktemp("heading-links"),
        {
            "Functions.md": _functions_note(),
            "Links.md": _links_note(),
            "Other.md": "# Other\n",
            "Self.md": SELF_NOTE,
        },
    )


def _heading_ids(site) -> list[str]:
    page = site.soup("Functions.md")
    return [h["id"] for h in page.find_all(["h2", "h3"])]


@pytest.mark.parametrize(("subpath", "index"), LINKS, ids=[s for s, _ in LINKS])
def test_a_link_to_a_formatted_heading_lands_on_the_id_it_renders(site, subpath, index):
    ids = _heading_ids(site)
    assert len(ids) == len(HEADINGS)
    links = site.soup("Links.md").find_all("a", class_="vault-link")
    href = links[[s for s, _ in LINKS].index(subpath)]["href"]
    assert href == f"../Functions/#{ids[index]}"


def test_the_predicted_ids_of_formatted_headings_are_the_rendered_ones(site):
    # Links take the prediction; the after-render correction must not be what saves them.
    maker = AnchorMaker(slugify(case="lower"), "-")
    assert maker.anchors([text for text, _ in HEADINGS], reserved=["functions"]) == _heading_ids(
        site
    )


def test_a_markdown_link_names_a_formatted_heading_the_same_way(site):
    ids = _heading_ids(site)
    hrefs = [a["href"] for a in site.soup("Links.md").find_all("a") if a.get_text() == "md"]
    assert hrefs == [f"../Functions/#{ids[0]}", f"../Functions/#{ids[4]}"]


def test_links_to_formatted_headings_raise_no_warning(site):
    assert not [w for w in site.warnings if "Links.md" in w], site.warnings


def test_a_self_link_to_a_code_heading_reaches_it(site):
    page = site.soup("Self.md")
    heading_id = page.find("h3")["id"]
    assert heading_id == "move"
    hrefs = [a["href"] for a in page.find_all("a", class_="vault-link")[:2]]
    assert hrefs == ["#move", "#move"]


@pytest.mark.parametrize(("message", "line"), SELF_WARNINGS, ids=[m for m, _ in SELF_WARNINGS])
def test_a_broken_link_is_reported_as_written_at_its_own_line(site, message, line):
    assert f"mkdocs_vault: vault/Self.md:{line}: {message}" in "\n".join(site.warnings), (
        site.warnings
    )


def test_no_warning_carries_a_markdown_placeholder_or_line_one(site):
    ours = [w for w in site.warnings if "vault/Self.md" in w]
    assert len(ours) == len(SELF_WARNINGS), ours
    for warning in ours:
        assert "\x02" not in warning and "\x03" not in warning
        assert "klzzwxh" not in warning and "\\x02" not in warning
        assert "Self.md:1:" not in warning


def test_a_link_shows_its_text_as_written_not_a_placeholder(site):
    text = site.soup("Self.md").get_text()
    assert "klzzwxh" not in text and "\x02" not in text
    assert "`nope`" in text


# -- the model, unit by unit -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("`hasTag()`", "hastag"),
        ("What? A: b/c", "what a b c"),
        ('foo!"#$%&()*+,.:;<=>?@^`{|}~/[]\\bar', "foo bar"),  # the help's own example
        ("it's_a-b", "it's_a-b"),  # quotes, underscores and dashes stay
        ("  Many   spaces ", "many spaces"),
        ("Внимание: Память", "внимание память"),
    ],
)
def test_heading_key_reads_punctuation_as_spaces_like_obsidian(text, key):
    assert heading_key(text) == key


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("`hasTag()`", ("hastag",)),
        ("See [[Other|alias]] too", ("see other alias too", "see alias too")),
        ("[link](https://x.org) here", ("link https x org here", "link here")),
        ("_em_ word", ("_em_ word", "em word")),
        ("Title {#custom}", ("title custom", "title")),
    ],
)
def test_a_heading_answers_to_its_source_and_its_displayed_text(text, keys):
    assert heading_keys(text) == keys


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("### `hasTag()`", "`hasTag()`"),
        ("## `a` and `b`", "`a` and `b`"),
        ("## A %%hidden%% `b`", "A  `b`"),  # the comment is out, as on the page
        ("## `x` %%open", "`x`"),
    ],
)
def test_the_scanner_keeps_code_spans_in_heading_text(source, text):
    assert scan_note(source + "\n\ntext %%\n").headings[0].text == text


def test_the_scanner_records_a_link_with_code_as_written():
    scan = scan_note("[[#`move`|move]] and `[[in code]]`\n")
    assert scan.link_lines == {"[[#`move`|move]]": [1]}


# -- properties only from a `---` block -------------------------------------------------------
META_NOTES = {
    "Note first.md": "Note: this line is shown\nTODO: so is this one\n\nBody.\n",
    "Source first.md": "Source: https://example.org/paper\n\n# Heading\n",
    "Title first.md": "Title: Not the title\nTags: secret\n\nBody.\n",
    "Front.md": (
        "---\ntitle: Front title\ntags: [course]\naliases: [Other name]\n---\n"
        "Note: shown after the block\n\nBody.\n"
    ),
    "Draft.md": "---\npublish: false\n---\n# Draft\n",
    "Linker.md": "# Linker\n\n[[Other name]] [[Draft]]\n",
    "Windows.md": b"---\r\ntitle: Windows title\r\n---\r\nNote: shown\r\n\r\nBody.\r\n",
}


@pytest.fixture(scope="module")
def meta_site(tmp_path_factory):
    return build_vault(
        tmp_path_factory.mktemp("meta"),
        META_NOTES,
        theme="material",
        plugins=("vault", "tags"),
        extra={"markdown_extensions": MARKDOWN_EXTENSIONS},
    )


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        ("Note first.md", ["Note: this line is shown", "TODO: so is this one"]),
        ("Source first.md", ["Source: https://example.org/paper"]),
        ("Title first.md", ["Title: Not the title", "Tags: secret"]),
        ("Front.md", ["Note: shown after the block"]),
    ],
)
def test_word_colon_first_lines_are_shown_not_read_as_properties(meta_site, note, shown):
    text = meta_site.soup(note).get_text()
    for line in shown:
        assert line in text


def test_a_word_colon_line_sets_no_title_and_no_tag(meta_site):
    page = meta_site.page_path("Title first.md").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL).group(1)
    assert "Not the title" not in title
    assert not meta_site.soup("Title first.md").select("nav.md-tags a.md-tag")


def test_a_windows_note_s_front_matter_is_read_too(meta_site):
    page = meta_site.page_path("Windows.md").read_text(encoding="utf-8")
    assert re.search(r"<title>Windows title", page)
    text = meta_site.soup("Windows.md").get_text()
    assert "Note: shown" in text and "title:" not in text


def test_front_matter_still_gives_title_tags_aliases_and_publish(meta_site):
    page = meta_site.page_path("Front.md").read_text(encoding="utf-8")
    assert re.search(r"<title>Front title", page)
    tags = [a.get_text().strip() for a in meta_site.soup("Front.md").select("nav.md-tags a.md-tag")]
    assert tags == ["course"]
    assert "title: Front title" not in meta_site.soup("Front.md").get_text()
    linker = meta_site.soup("Linker.md")
    assert linker.find("a", class_="vault-link")["href"] == "../Front/"
    assert not meta_site.page_path("Draft.md").exists()
    assert any("Linker.md:3: 'Draft' links to 'Draft.md', which is not published" in w for w in meta_site.warnings)


@pytest.mark.parametrize(
    ("source", "given"),
    [
        ("Note: x\n", "\nNote: x\n"),
        ("---\ntitle: T\n---\nNote: x\n", "---\ntitle: T\n---\nNote: x\n"),
        ("---\n", "\n---\n"),  # not closed: not a block, and no `Word:` line is taken
        ("", "\n"),
        ("---\r\ntitle: T\r\n---\r\nx\r\n", "---\ntitle: T\n---\nx\n"),
    ],
)
def test_mkdocs_is_given_a_blank_first_line_unless_a_yaml_block_opens_the_note(source, given):
    assert source_for_mkdocs(source) == given
