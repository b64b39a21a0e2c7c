"""The scanner finds a link exactly where the rendered page shows one, on its own line.

Warnings take their line from the scanner (Python-Markdown tracks no lines), so a link the
scanner misses is reported at the wrong line, and a link it finds inside code shifts the
lines of every later link with the same text. Where code and headings are (CommonMark's
block rules, as the page parses them) is tested in `test_scan_blocks.py`.
"""

from __future__ import annotations

import pytest
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


def test_an_overloaded_line_the_page_reads_as_no_fence_opener_is_not_reported():
    opener = "```py " + 'a="x" ' * 13 + "!"
    for text in (
        f"~~~\n{opener}\n~~~\n",  # code inside another fence
        f"para\n\n    {opener}\n",  # indented code
        f"%%\n{opener}\n```\n%%\n",  # commented out: the page never sees it
    ):
        assert scan_note(text).problems == [], text
    assert [line for line, _m, _h in scan_note(f"- item\n\n  {opener}\n  ```\n").problems] == [3]
