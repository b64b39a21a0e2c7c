"""Obsidian's `==highlight==` as `<mark>`: strikethrough's delimiter rules with `=`."""

import pytest
from markdown_it import MarkdownIt
from mkdocs_vault.highlights import highlights_plugin


@pytest.fixture(scope="module")
def md() -> MarkdownIt:
    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    highlights_plugin(parser)
    return parser


def test_double_equals_marks_the_text(md):
    assert md.render("a ==key idea== here\n") == "<p>a <mark>key idea</mark> here</p>\n"


def test_mark_tokens_carry_tag_and_markup(md):
    inline = next(token for token in md.parse("==hi==\n") if token.type == "inline")
    opener, text, closer = inline.children
    assert (opener.type, opener.tag, opener.nesting, opener.markup) == ("mark_open", "mark", 1, "==")
    assert text.content == "hi"
    assert (closer.type, closer.tag, closer.nesting, closer.markup) == ("mark_close", "mark", -1, "==")


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("a == b\n", "<p>a == b</p>\n"),  # a run between spaces neither opens nor closes
        ("a == b == c\n", "<p>a == b == c</p>\n"),
        ("x = 1\n", "<p>x = 1</p>\n"),
        ("=a=\n", "<p>=a=</p>\n"),  # one `=` is not a delimiter
        ("==open\n", "<p>==open</p>\n"),
        ("close==\n", "<p>close==</p>\n"),
        ("==\n", "<p>==</p>\n"),
        ("`==x==`\n", "<p><code>==x==</code></p>\n"),  # code stays code
        ("\\==x==\n", "<p>==x==</p>\n"),  # an escaped `=` breaks the opener
        ("    ==x==\n", "<pre><code>==x==\n</code></pre>\n"),
    ],
)
def test_what_is_not_a_highlight_stays_as_written(md, source, html):
    assert md.render(source) == html


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("==**b**==\n", "<p><mark><strong>b</strong></mark></p>\n"),
        ("**==b==**\n", "<p><strong><mark>b</mark></strong></p>\n"),
        ("==a *b* c==\n", "<p><mark>a <em>b</em> c</mark></p>\n"),
        ("==a ~~b~~ c==\n", "<p><mark>a <s>b</s> c</mark></p>\n"),
        ("~~a ==b== c~~\n", "<p><s>a <mark>b</mark> c</s></p>\n"),
        ("[==l==](u)\n", '<p><a href="u"><mark>l</mark></a></p>\n'),  # inside link text
        ("==[l](u)==\n", '<p><mark><a href="u">l</a></mark></p>\n'),
        ("a==b==c\n", "<p>a<mark>b</mark>c</p>\n"),  # inside a word, as `~~` may be
        ("==a=b==\n", "<p><mark>a=b</mark></p>\n"),
        ("x ==a\nb== y\n", "<p>x <mark>a\nb</mark> y</p>\n"),  # across a line end
        ("==`code`==\n", "<p><mark><code>code</code></mark></p>\n"),
    ],
)
def test_highlights_nest_with_other_inlines(md, source, html):
    assert md.render(source) == html


def test_highlight_in_a_table_cell(md):
    html = md.render("| a |\n|---|\n| ==x== |\n")
    assert "<td><mark>x</mark></td>" in html


# Inputs for `~`; the same with `=` must parse the same way, `<s>` read as `<mark>`.
STRIKETHROUGH_CASES = [
    "a ~~x~~ b",
    "a ~~~x~~~ b",  # an odd run keeps one literal marker outside the pair
    "a ~~~~x~~~~ b",  # two pairs nest
    "a ~~~~~x~~~~~ b",
    "a ~~x~~~ b",
    "a ~~~x~~ b",
    "a ~~x ~~y~~ z~~ b",
    "~~a~~~~b~~",
    "a ~~ b ~~ c",
    "*~~a*~~",
    "~~a *b~~ c*",
    "~~a **b~~ c**",
    "[~~a](u)~~",
    "a ~~~~ b",
    "a ~~\u00a0b~~",
]


@pytest.mark.parametrize("source", STRIKETHROUGH_CASES)
def test_equals_runs_split_and_pair_as_tilde_runs_do(md, source):
    struck = md.render(source + "\n")
    marked = md.render(source.replace("~", "=") + "\n")
    expected = struck.replace("<s>", "<mark>").replace("</s>", "</mark>").replace("~", "=")
    assert marked == expected


def test_odd_runs_keep_one_equals_outside(md):
    assert md.render("a ===x=== b\n") == "<p>a =<mark>x</mark>= b</p>\n"


def test_a_paragraph_without_equals_is_untouched(md):
    plain = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    source = "Some *text* with ~~old~~ and `code` and [a link](u).\n"
    assert md.render(source) == plain.render(source)
