"""Tags (`#tag`, `tags:`), `cssclasses` and `==highlight==` on the published page."""

import pytest
from helpers import MARKDOWN_EXTENSIONS, build_vault
from mkdocs_vault.cssclasses import add_classes, page_classes
from mkdocs_vault.grammar import is_tag
from mkdocs_vault.properties import front_matter_tags
from mkdocs_vault.scan import scan_note


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("tag", True),
        ("nested/tag", True),
        ("y1984", True),
        ("snake_case-and-kebab", True),
        ("внимание", True),
        ("1984", False),
        ("2017/06", False),
        ("two words", False),
        ("dot.ted", False),
        ("", False),
    ],
)
def test_a_tag_is_letters_digits_underscore_dash_slash_with_one_non_digit(name, valid):
    assert is_tag(name) is valid


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("#tag at the start", ["tag"]),
        ("words #one and #two/sub.", ["one", "two/sub"]),
        ("page#anchor and &#123; are not tags", []),
        ("# Heading needs a space", []),
        ("## Heading #inheading", ["inheading"]),
        ("#1984 is a year, #y1984 a tag", ["y1984"]),
        ("`#code` is code", []),
        ("%% #hidden %% and #shown", ["shown"]),
        ("see https://example.com/#frag", []),
        ("```\n#fenced\n```\n#after", ["after"]),
        ("> [!note] #title\n> ```\n> #fenced-in-callout\n> ```\n> #body", ["title", "body"]),
        ("para\n\n    #indented code\n", []),
        ("## Title { #custom-id }", []),
    ],
)
def test_inline_tags_follow_obsidians_rules_and_skip_code(text, tags):
    assert scan_note(text).inline_tags == tags


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("\\`a #real `code`", ["real"]),  # `\`` is a literal backtick: it opens no span
        ("\\\\`#code` #real", ["real"]),  # `\\` is a backslash: the span still opens
        ("\\`#notatag\\` #real", ["real"]),
        ("`%%` #between `%%`", ["between"]),  # code spans first: their `%%` open no comment
        ("```\nnever closed\n\n#after", []),  # CommonMark: code to the end of the note
        ("~~~\n#in\n~~~~\n#after", ["after"]),  # a longer closer closes it
        ("- item\n  ```\n  #in\n- #after", ["after"]),  # ...or to the end of its list item
        ("> ```\n> #in\n> ```\n\n$$\n#math\n$$\n#after", ["after"]),
        ("para\n    #lazy continuation", ["lazy"]),  # indented, but no code after text
        ("<div>\n#raw\n\n#after\n</div>", ["after"]),  # raw HTML until a blank line
    ],
)
def test_inline_tags_are_the_ones_the_page_renders_as_tags(text, tags):
    assert scan_note(text).inline_tags == tags


@pytest.mark.parametrize(
    ("meta", "tags"),
    [
        ({"tags": ["a", "#b", "c/d"]}, ["a", "b", "c/d"]),
        ({"tags": "a, b"}, ["a", "b"]),
        ({"tags": "a b #c"}, ["a", "b", "c"]),
        ({"tag": "legacy"}, ["legacy"]),
        ({"tags": None}, []),
        ({"tags": []}, []),
    ],
)
def test_front_matter_tags_are_a_list_or_a_comma_or_space_separated_string(meta, tags):
    result = front_matter_tags(meta)
    assert result.tags == tags
    assert result.problems == []


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ({"tags": 5}, "'tags: 5' is not a list of tags"),
        ({"tags": {"a": 1}}, "'tags: {'a': 1}' is not a list of tags"),
        ({"tags": ["ok", 1984]}, "1984 in 'tags' is not a tag"),
        ({"tags": ["two words"]}, "'two words' in 'tags' is not a tag"),
    ],
)
def test_front_matter_tags_of_the_wrong_type_are_problems_not_exceptions(meta, message):
    result = front_matter_tags(meta)
    assert [m for _key, m, _hint in result.problems] == [message]


def test_cssclasses_accept_a_list_or_a_string_and_reject_what_is_no_class():
    classes, problems = page_classes({"cssclasses": ["wide", "x<y", 3], "cssclass": "narrow dense"})
    assert classes == ["wide", "narrow", "dense"]
    assert [m for _key, m, _hint in problems] == [
        "'x<y' in 'cssclasses' is not a CSS class",
        "3 in 'cssclasses' is not a CSS class",
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            '<body><article class="md-content">x</article>',
            '<body><article class="md-content wide">x</article>',
        ),
        ("<body><article>x</article>", '<body><article class="wide">x</article>'),
        (
            '<body class="b"><div role="main">x</div>',
            '<body class="b"><div role="main" class="wide">x</div>',
        ),
        ("<body>x</body>", '<body class="wide">x</body>'),
    ],
)
def test_classes_go_on_the_content_container(page, expected):
    assert add_classes(page, ["wide"]) == expected


MATERIAL_EXTENSIONS = [*MARKDOWN_EXTENSIONS, "pymdownx.mark"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_vault(
        tmp_path_factory.mktemp("tags"),
        {
            "index.md": """
                ---
                tags: [Course, "#attention/math"]
                cssclasses: [wide-tables, "not a class"]
                ---
                # Home

                Read #Attention/math first, not #1984, page#anchor or `#code`. ==Key idea==.

                ```
                #fenced
                ```
                """,
            "concepts/Softmax.md": """
                ---
                tags: attention/math, course
                cssclass: narrow
                ---
                # Softmax

                > [!note] #in-a-callout
                > Text.
                """,
            "Broken.md": "---\ntags: 5\n---\n# Broken\n",
        },
        theme="material",
        plugins=("vault", {"tags": {"tags_hierarchy": True}}),
        extra={"markdown_extensions": MATERIAL_EXTENSIONS},
    )


def test_an_inline_tag_links_to_its_heading_on_the_generated_tags_index(site):
    chips = site.soup("index.md").find_all("a", class_="vault-tag")
    assert [(a.get_text(), a["href"]) for a in chips] == [
        ("#Attention/math", "tags/#tag:attention/math")
    ]
    index = site.soup("tags.md")
    assert index.find(id="tag:attention/math") is not None
    assert not (site.root / "vault" / "tags.md").exists()  # generated, never written into the vault


def test_the_tags_index_lists_every_note_under_each_of_its_tags_case_insensitively(site):
    index = site.soup("tags.md")

    def notes_under(anchor):
        heading = index.find(id=anchor)
        return sorted(
            a.get_text().strip()
            for a in heading.find_next("ul").find_all("a", recursive=True)
            if not a.get("class")
        )

    assert notes_under("tag:course") == ["Home", "Softmax"]
    assert notes_under("tag:attention/math") == ["Home", "Softmax"]
    assert notes_under("tag:in-a-callout") == ["Softmax"]
    headings = [
        h.find("span", class_="md-tag").get_text()
        for h in index.find_all(["h2", "h3"])
        if h.get("id", "").startswith("tag:")
    ]
    assert len(headings) == len({h.lower() for h in headings})  # `Course` and `course` are one tag


def test_digit_only_anchors_code_and_fences_are_not_tags(site):
    html = site.soup("index.md")
    assert "#1984" in html.get_text() and "page#anchor" in html.get_text()
    assert html.find("code").get_text() == "#code"
    assert not any(a.get_text() in {"#1984", "#code", "#fenced"} for a in html.find_all("a"))


def test_a_page_shows_its_front_matter_and_inline_tags(site):
    shown = [
        a.get_text().strip()
        for a in site.soup("concepts/Softmax.md").select("nav.md-tags a.md-tag")
    ]
    assert sorted(t.lower() for t in shown) == ["attention/math", "course", "in-a-callout"]


def test_tags_of_the_wrong_type_are_a_warning_at_their_line(site):
    assert any(
        w.startswith("mkdocs_vault: vault/Broken.md:2: 'tags: 5' is not a list of tags")
        for w in site.warnings
    ), site.warnings
    assert site.page_path("Broken.md").exists()


def test_cssclasses_are_on_the_article_and_invalid_ones_are_reported(site):
    page = site.page_path("index.md").read_text(encoding="utf-8")
    assert '<article class="md-content__inner md-typeset wide-tables">' in page
    assert '<article class="md-content__inner md-typeset narrow">' in site.page_path(
        "concepts/Softmax.md"
    ).read_text(encoding="utf-8")
    assert any(
        w.startswith("mkdocs_vault: vault/index.md:3: 'not a class' in 'cssclasses'")
        for w in site.warnings
    ), site.warnings


def test_double_equals_highlight_is_a_mark(site):
    assert site.soup("index.md").find("mark").get_text() == "Key idea"


def test_a_vault_note_at_the_index_path_is_used_instead_of_a_generated_one(tmp_path):
    build = build_vault(
        tmp_path,
        {
            "index.md": "# Home\n\nA #topic here.\n",
            "tags.md": "# All my tags\n\n<!-- material/tags -->\n",
        },
        theme="material",
        plugins=("vault", "tags"),
    )
    index = build.soup("tags.md")
    assert index.find("h1").get_text().startswith("All my tags")
    assert index.find(id="tag:topic") is not None
    assert build.warnings == []


def test_without_materials_tags_plugin_inline_tags_are_plain_chips_and_no_index_is_made(tmp_path):
    build = build_vault(tmp_path, {"index.md": "# Home\n\nA #topic here.\n"})
    chip = build.soup("index.md").find(class_="vault-tag")
    assert chip.name == "span" and chip.get_text() == "#topic"
    assert not (build.site / "tags").exists()
    assert build.warnings == []
