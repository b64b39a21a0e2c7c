"""Task list items as Obsidian reads them: `[ ]`, `[x]` and any single-character status."""

import time

import pytest
from gfm_spec import parse_spec, same_structure
from markdown_it import MarkdownIt
from mkdocs_vault.tasks import tasks_plugin

OPEN_BOX = '<input type="checkbox" class="task-list-item-checkbox" disabled="" />'
CHECKED_BOX = '<input type="checkbox" class="task-list-item-checkbox" disabled="" checked="" />'


@pytest.fixture(scope="module")
def md() -> MarkdownIt:
    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    tasks_plugin(parser)
    return parser


def item_tokens(md: MarkdownIt, source: str) -> list:
    return [token for token in md.parse(source) if token.type == "list_item_open"]


def test_open_and_done_items_render_as_disabled_checkboxes(md):
    assert md.render("- [ ] milk\n- [x] eggs\n") == (
        '<ul class="contains-task-list">\n'
        f'<li class="task-list-item" data-task="">{OPEN_BOX} milk</li>\n'
        f'<li class="task-list-item is-checked" data-task="x">{CHECKED_BOX} eggs</li>\n'
        "</ul>\n"
    )


def test_capital_x_is_done_like_small_x(md):
    assert md.render("- [X] eggs\n") == (
        '<ul class="contains-task-list">\n'
        f'<li class="task-list-item is-checked" data-task="X">{CHECKED_BOX} eggs</li>\n'
        "</ul>\n"
    )


@pytest.mark.parametrize("number", [279, 280])
def test_gfm_spec_task_list_examples_have_the_spec_structure(md, number):
    example = next(example for example in parse_spec() if example.number == number)
    assert example.section == "Task list items (extension)"
    assert same_structure(example.html, md.render(example.markdown))


# Obsidian's documented custom statuses (help: "any character inside the brackets"),
# the ones themes style, and characters that mean something elsewhere in Markdown.
CUSTOM_STATUSES = list('/-><?!*"lbiSIpcfkwud') + list("=~_$#`&[]%^+:|@{}") + ["é", "✅"]


@pytest.mark.parametrize("status", CUSTOM_STATUSES)
def test_custom_status_lands_in_data_task_and_checks_the_box(md, status):
    (item,) = item_tokens(md, f"- [{status}] thing\n")
    assert item.attrs["data-task"] == status
    assert item.attrs["class"] == "task-list-item is-checked"
    inline = next(token for token in md.parse(f"- [{status}] thing\n") if token.type == "inline")
    checkbox, text = inline.children[:2]
    assert checkbox.type == "task_checkbox"
    assert checkbox.tag == "input"
    assert checkbox.nesting == 0
    assert checkbox.attrs == {
        "type": "checkbox",
        "class": "task-list-item-checkbox",
        "disabled": "",
        "checked": "",
    }
    assert text.content == " thing"


def test_open_status_has_an_empty_data_task_and_no_checked_attribute(md):
    tokens = md.parse("- [ ] thing\n")
    (item,) = [token for token in tokens if token.type == "list_item_open"]
    assert item.attrs == {"class": "task-list-item", "data-task": ""}
    inline = next(token for token in tokens if token.type == "inline")
    assert inline.children[0].attrs == {
        "type": "checkbox",
        "class": "task-list-item-checkbox",
        "disabled": "",
    }
    assert inline.content == " thing"


def test_a_tab_between_the_brackets_is_open_like_a_space(md):
    tokens = md.parse("- [\t] thing\n")
    (item,) = [token for token in tokens if token.type == "list_item_open"]
    assert item.attrs == {"class": "task-list-item", "data-task": ""}
    inline = next(token for token in tokens if token.type == "inline")
    assert "checked" not in inline.children[0].attrs


def test_custom_statuses_render_in_a_mixed_list(md):
    assert md.render("- [?] ask\n- [/] half\n- [-] dropped\n") == (
        '<ul class="contains-task-list">\n'
        f'<li class="task-list-item is-checked" data-task="?">{CHECKED_BOX} ask</li>\n'
        f'<li class="task-list-item is-checked" data-task="/">{CHECKED_BOX} half</li>\n'
        f'<li class="task-list-item is-checked" data-task="-">{CHECKED_BOX} dropped</li>\n'
        "</ul>\n"
    )


def test_a_data_task_status_is_escaped_in_the_attribute(md):
    html = md.render('- ["] quote\n- [<] back\n- [&] and\n')
    assert 'data-task="&quot;"' in html
    assert 'data-task="&lt;"' in html
    assert 'data-task="&amp;"' in html


@pytest.mark.parametrize("source", ["- [ ]\n", "- [x]\n", "- [?]   \n"])
def test_a_marker_alone_is_a_task_with_no_text(md, source):
    html = md.render(source)
    assert "task-list-item-checkbox" in html
    assert html.endswith(" /></li>\n</ul>\n")


def test_a_marker_alone_on_its_line_is_a_task_and_the_next_line_stays(md):
    tokens = md.parse("- [x]\n  next\n")
    (item,) = [token for token in tokens if token.type == "list_item_open"]
    assert item.attrs["data-task"] == "x"
    inline = next(token for token in tokens if token.type == "inline")
    assert [child.type for child in inline.children] == ["task_checkbox", "softbreak", "text"]
    assert inline.children[2].content == "next"


def test_loose_items_put_the_checkbox_inside_the_paragraph(md):
    assert md.render("1. [x] one\n\n2. [ ] two\n") == (
        '<ol class="contains-task-list">\n'
        '<li class="task-list-item is-checked" data-task="x">\n'
        f"<p>{CHECKED_BOX} one</p>\n"
        "</li>\n"
        '<li class="task-list-item" data-task="">\n'
        f"<p>{OPEN_BOX} two</p>\n"
        "</li>\n"
        "</ol>\n"
    )


def test_nested_lists_mark_each_list_that_holds_a_task(md):
    tokens = md.parse("- plain\n  - [x] inner\n- [ ] outer\n\n* only plain\n")
    lists = [token for token in tokens if token.type == "bullet_list_open"]
    assert [token.attrs.get("class") for token in lists] == [
        "contains-task-list",  # holds `[ ] outer`
        "contains-task-list",  # holds `[x] inner`
        None,  # `* only plain`: a list of its own without a task
    ]
    items = [token for token in tokens if token.type == "list_item_open"]
    assert [token.attrs.get("data-task") for token in items] == [None, "x", "", None]


def test_a_plain_item_beside_tasks_stays_plain(md):
    assert md.render("- [x] done\n- plain\n") == (
        '<ul class="contains-task-list">\n'
        f'<li class="task-list-item is-checked" data-task="x">{CHECKED_BOX} done</li>\n'
        "<li>plain</li>\n"
        "</ul>\n"
    )


def test_formatting_after_the_marker_stays(md):
    assert md.render("- [x] **bold** and ~~old~~ [link](u)\n") == (
        '<ul class="contains-task-list">\n'
        f'<li class="task-list-item is-checked" data-task="x">{CHECKED_BOX} '
        '<strong>bold</strong> and <s>old</s> <a href="u">link</a></li>\n'
        "</ul>\n"
    )


def test_task_items_inside_a_block_quote(md):
    assert md.render("> - [x] quoted\n") == (
        "<blockquote>\n"
        '<ul class="contains-task-list">\n'
        f'<li class="task-list-item is-checked" data-task="x">{CHECKED_BOX} quoted</li>\n'
        "</ul>\n"
        "</blockquote>\n"
    )


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("- foo [ ] bar\n", "<ul>\n<li>foo [ ] bar</li>\n</ul>\n"),  # not first
        ("- [x]y\n", "<ul>\n<li>[x]y</li>\n</ul>\n"),  # no space after `]`
        ("- [x]**y**\n", "<ul>\n<li>[x]<strong>y</strong></li>\n</ul>\n"),
        ("- `[ ]` task\n", "<ul>\n<li><code>[ ]</code> task</li>\n</ul>\n"),  # code span
        ("- [x](url)\n", '<ul>\n<li><a href="url">x</a></li>\n</ul>\n'),  # a link
        ("[x] para\n", "<p>[x] para</p>\n"),  # no list
        ("[ ] para\n", "<p>[ ] para</p>\n"),
        ("- \\[x] escaped\n", "<ul>\n<li>[x] escaped</li>\n</ul>\n"),
        ("- [xy] two\n", "<ul>\n<li>[xy] two</li>\n</ul>\n"),  # more than one character
        ("- [] none\n", "<ul>\n<li>[] none</li>\n</ul>\n"),  # no character
        ("- para\n\n  [x] second\n", "<ul>\n<li>\n<p>para</p>\n<p>[x] second</p>\n</li>\n</ul>\n"),
        ("- # [x] heading\n", "<ul>\n<li>\n<h1>[x] heading</h1>\n</li>\n</ul>\n"),
        ("    - [x] code\n", "<pre><code>- [x] code\n</code></pre>\n"),
        ("```\n- [x] fence\n```\n", "<pre><code>- [x] fence\n</code></pre>\n"),
        ("| a |\n|---|\n| [x] cell |\n", None),
    ],
)
def test_what_is_not_a_task_stays_as_written(md, source, html):
    rendered = md.render(source)
    assert "checkbox" not in rendered
    assert "task-list" not in rendered
    if html is not None:
        assert rendered == html


def test_rendering_twice_gives_the_same_html(md):
    source = "- [x] a\n  - [?] b\n"
    assert md.render(source) == md.render(source)


def test_a_long_task_list_costs_about_what_parsing_it_costs(md):
    # Every item's enclosing list comes from a stack, not from a walk back over the
    # items before it: with a walk back, 20,000 items would take minutes, not a second.
    source = "".join(f"- [{'x' if n % 2 else ' '}] item {n}\n" for n in range(20_000))
    plain = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    started = time.perf_counter()
    plain.parse(source)
    without_tasks = time.perf_counter() - started
    started = time.perf_counter()
    tokens = md.parse(source)
    with_tasks = time.perf_counter() - started
    items = [token for token in tokens if token.type == "list_item_open"]
    assert len(items) == 20_000
    assert all("task-list-item" in token.attrs["class"] for token in items)
    assert with_tasks < 2 * without_tasks + 1.0
