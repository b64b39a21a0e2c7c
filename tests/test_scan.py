"""The scanner finds a link exactly where the rendered page shows one, on its own line.

Warnings take their line from the scanner (Python-Markdown tracks no lines), so a link the
scanner misses is reported at the wrong line, and a link it finds inside code shifts the
lines of every later link with the same text. Each row's expectation was checked against
what Python-Markdown with pymdownx.superfences (as configured in mkdocs.yml) renders.
"""

from __future__ import annotations

import pytest
from mkdocs_vault.grammar import fenced_code_blocks, split_lines
from mkdocs_vault.scan import scan_note


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("first\nsecond [[%%%%]]\n", {"[[%%%%]]": [2]}),
        ("first\n[[x%%y%%]] and [[%%]]z%%\n", {"[[x%%y%%]]": [2], "[[%%]]": [2]}),
        ("%% [[a%%b]] [[c]]\n", {"[[c]]": [1]}),  # the comment starts first: it wins
        ("%%\n[[hidden]]\n%% [[shown]]\n", {"[[shown]]": [3]}),
    ],
    ids=["only-marks", "marks-and-text", "comment-first", "comment-across-lines"],
)
def test_comment_marks_inside_a_link_belong_to_the_link_when_the_link_starts_first(text, links):
    assert scan_note(text).link_lines == links


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("```\ncode [[a]]\n\n[[x]]\n", {"[[a]]": [2], "[[x]]": [4]}),
        ("```python\nprint(1)\n[[x]]\n", {"[[x]]": [3]}),
        ("```\n[[a]]\n```\n[[x]]\n", {"[[x]]": [4]}),
        ("~~~\n[[a]]\n\n~~~\n[[x]]\n", {"[[x]]": [5]}),
        ("~~~\n[[a]]\n~~~~\n[[x]]\n", {"[[a]]": [2], "[[x]]": [4]}),
        ("  ~~~\n[[a]]\n  ~~~\n[[x]]\n", {"[[a]]": [2], "[[x]]": [4]}),
        ("> ```\n> [[a]]\n> ```\n\n[[x]]\n", {"[[x]]": [5]}),
        ("text\n     ~~~\n     [[a]]\n     ~~~\n[[x]]\n", {"[[x]]": [5]}),
        ("~~~ a b!\n[[a]]\n", {"[[a]]": [2]}),
        ("    code\n~~~\n[[a]]\n~~~\n", {"[[a]]": [3]}),
        ("    code\n\n~~~\n[[a]]\n~~~\n", {}),
    ],
    ids=[
        "unclosed-fence-is-text",
        "unclosed-python-fence-is-text",
        "closed-fence-is-code",
        "blank-lines-inside-a-fence",
        "longer-closer-closes-nothing",
        "under-indented-line-ends-the-fence-as-text",
        "fence-in-a-quote",
        "deeply-indented-fence",
        "unrecognised-info-string-is-no-fence",
        "fence-in-a-block-that-began-as-indented-code-is-text",
        "fence-after-indented-code-and-a-blank-line",
    ],
)
def test_links_are_code_only_where_superfences_makes_a_fence(text, links):
    assert scan_note(text).link_lines == links


def test_a_python_fence_that_never_closes_is_not_a_code_block():
    assert scan_note("```python\nprint(1)\n").code_blocks == []
    assert [b.code for b in scan_note("```python\nprint(1)\n```\n").code_blocks] == ["print(1)"]


@pytest.mark.parametrize(
    ("text", "blocks"),
    [
        ("```\na\n```\n", {0: 2}),
        ("```\na\n", {}),
        ("````\na\n```\n````\n", {0: 3}),
        ("```\na\n```   \n", {0: 2}),
        ("  ```\n  a\n   ```\n  ```\n", {0: 3}),  # a deeper ``` is content
        ("```\n  a\n\n```\n~~~\n~~~\n", {0: 3, 4: 5}),
        ("> ~~~\n> a\n>\n> ~~~\n", {0: 3}),
        ("> ~~~\n>> a\n> ~~~\n", {}),  # a deeper quote ends the fence
        ("\t```\n\ta\n\t```\n", {0: 2}),
    ],
)
def test_fenced_code_blocks_pair_openers_and_closers_as_superfences_does(text, blocks):
    assert fenced_code_blocks(split_lines(text)) == blocks


def test_a_fence_opener_with_too_many_quoted_options_is_reported_on_its_line():
    text = (
        "---\ntitle: x\n---\n# T\n\n```py "
        + 'a="x" ' * 13
        + "!\n\n```py "
        + 'k="v" ' * 12
        + "\n```\n"
    )
    scan = scan_note(text)
    assert [(line, message) for line, message, _hint in scan.problems] == [
        (6, "a code fence with 13 quoted options is shown without highlighting")
    ]


def test_an_overloaded_fence_is_found_on_its_line_whatever_the_line_ends():
    opener = "```py " + 'a="x" ' * 13 + "!"
    for newline in ("\n", "\r\n", "\r"):
        scan = scan_note(newline.join(["# T", "", "text", opener, ""]))
        assert [line for line, _message, _hint in scan.problems] == [4], repr(newline)
